# Raises SystemExit: a BaseException that must end the run, not the process.
# The pid it reports first shows whether its worker lived on.
import os
import sys

from datadog_checks.base import AgentCheck


class PySysExit(AgentCheck):
    def check(self, instance):
        self.gauge('isolation.py.sys_exit.pid', os.getpid())
        sys.exit()
