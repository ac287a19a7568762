# A package that exports no check class.
from datadog_checks.base import AgentCheck  # noqa: F401

__version__ = '0.1.0'
