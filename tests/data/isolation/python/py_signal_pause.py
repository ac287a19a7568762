# Waits in C (pause(2)) for a signal that never comes: a C-level hang.
import signal

from datadog_checks.base import AgentCheck


class PySignalPause(AgentCheck):
    def check(self, instance):
        signal.pause()
