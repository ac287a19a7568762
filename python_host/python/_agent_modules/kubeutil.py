"""The Datadog agent's builtin `kubeutil` module (rtloader/common/builtins/kubeutil.c).

The Datadog agent answers the kubelet's connection details (url, verify_tls,
ca_cert, client_crt, client_key, token) and `{}` when it has none.  Vigil
does not talk to a kubelet: always `{}`.
"""

__all__ = ['get_connection_info']


def get_connection_info():
    """{}: Vigil knows no kubelet.  A new dict each call, as rtloader's."""
    return {}
