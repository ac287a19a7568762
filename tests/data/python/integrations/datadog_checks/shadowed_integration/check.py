from datadog_checks.base import AgentCheck


class ShadowedCheck(AgentCheck):
    def check(self, instance):
        self.gauge('shadowed.from', 2, tags=['source:package'])
