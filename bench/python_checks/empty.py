# An empty check: what is measured is the agent's cost per run.
from vigil import AgentCheck


class Empty(AgentCheck):
    def check(self, instance):
        pass
