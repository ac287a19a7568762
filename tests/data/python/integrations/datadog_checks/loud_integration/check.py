"""A test integration that logs from its run, through its own handler."""
from datadog_checks.base import AgentCheck


class LoudIntegrationCheck(AgentCheck):
    def check(self, instance):
        self.log.warning('loud run %s', instance.get('value'))
        self.gauge('loud.value', float(instance.get('value', 0)))
