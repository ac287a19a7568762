# Reads address 0 through ctypes: SIGSEGV in the interpreter itself.
import ctypes
import os

from datadog_checks.base import AgentCheck


class PyNullRead(AgentCheck):
    def check(self, instance):
        # Straight to file descriptor 2: the run's "last output".  What goes
        # through self.log (or print, sys.stderr) reaches the agent's log.
        os.write(2, b'py_null_read: about to read address 0\n')
        self.log.warning('py_null_read: logged before the crash')
        ctypes.string_at(0)
