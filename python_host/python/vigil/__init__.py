"""Vigil's Python check API: the Datadog custom-check contract.

A check is a module holding one subclass of AgentCheck; the agent creates one
object per configured instance and calls its check(instance) every interval.
The same class is importable as datadog_checks.base.AgentCheck,
datadog_checks.checks.AgentCheck and checks.AgentCheck.
"""
from vigil.check import AgentCheck, CheckTimeout, ConfigurationError

__all__ = ['AgentCheck', 'CheckTimeout', 'ConfigurationError']
