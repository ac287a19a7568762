# Blocks in time.sleep for good: the soft timeout cannot interrupt it.
import time

from datadog_checks.base import AgentCheck


class PySleep(AgentCheck):
    def check(self, instance):
        time.sleep(1e9)
