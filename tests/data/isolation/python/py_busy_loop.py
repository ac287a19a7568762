# Spins in pure Python forever: only a kill ends it.
from datadog_checks.base import AgentCheck


class PyBusyLoop(AgentCheck):
    def check(self, instance):
        self.log.warning('py_busy_loop: spinning')
        n = 0
        while True:
            n += 1
