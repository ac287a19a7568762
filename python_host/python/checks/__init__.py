"""`from checks import AgentCheck` (Agent 5 era), served by Vigil."""
from vigil.check import AgentCheck

__all__ = ['AgentCheck']
