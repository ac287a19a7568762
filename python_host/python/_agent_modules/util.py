"""The Datadog agent's builtin `util` module (rtloader/common/builtins/util.c).

It has one function, `headers(agentConfig, http_host=None)`, the same as
`datadog_agent.headers`.
"""
from datadog_agent import headers

__all__ = ['headers']
