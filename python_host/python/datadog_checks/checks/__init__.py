"""`from datadog_checks.checks import AgentCheck` (Agent 6 era), served by Vigil."""
from vigil.check import AgentCheck

__all__ = ['AgentCheck']
