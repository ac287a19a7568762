# Does not compile: the probe worker reports the file and line as the agent
# would.
from datadog_checks.base import AgentCheck


class PySyntaxError(AgentCheck):
    def check(self, instance)
        pass
