"""`from datadog_checks.base import AgentCheck`, served by Vigil."""
from vigil.check import AgentCheck, ConfigurationError, ensure_bytes, ensure_unicode, is_affirmative

to_string = ensure_unicode
to_native_string = ensure_unicode

__all__ = ['AgentCheck', 'ConfigurationError', 'ensure_bytes', 'ensure_unicode', 'is_affirmative',
           'to_native_string', 'to_string']
