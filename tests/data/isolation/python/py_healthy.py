# A well-behaved check: counts its runs and reports the pid of the process it
# runs in, so a test can see which worker ran it and when one was replaced.
import os

from datadog_checks.base import AgentCheck

__version__ = '1.0'


class PyHealthy(AgentCheck):
    def check(self, instance):
        self.count('isolation.py.runs', 1)
        self.gauge('isolation.py.pid', os.getpid())
