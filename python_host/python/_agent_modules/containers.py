"""The Datadog agent's builtin `containers` module (rtloader/common/builtins/containers.c).

The Datadog agent answers from its container filter (`container_include`,
`container_exclude`, `exclude_pause_container`, ...).  Vigil has no container
filter, so no container is excluded.
"""

__all__ = ['is_excluded']


def is_excluded(name, image, namespace=None, /):
    """False: Vigil excludes no container.  Arguments as rtloader's "ss|s"."""
    for what, value in (('name', name), ('image', image)):
        if not isinstance(value, str):
            raise TypeError('is_excluded() argument %s must be str, not %s'
                            % (what, type(value).__name__))
    if namespace is not None and not isinstance(namespace, str):
        raise TypeError('is_excluded() argument namespace must be str, not %s'
                        % type(namespace).__name__)
    return False
