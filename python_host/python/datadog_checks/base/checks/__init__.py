"""`from datadog_checks.base.checks import AgentCheck`, served by Vigil."""
from vigil.check import AgentCheck

__all__ = ['AgentCheck']
