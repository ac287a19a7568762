import vigil_no_such_dependency_xyz  # noqa: F401
from datadog_checks.base import AgentCheck


class BrokenCheck(AgentCheck):
    def check(self, instance):
        pass
