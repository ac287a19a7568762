# Reads address 0 through ctypes: SIGSEGV in the interpreter itself.
import ctypes
import os

from datadog_checks.base import AgentCheck


class PyNullRead(AgentCheck):
    def check(self, instance):
        # Straight to file descriptor 2: sys.stderr goes to the agent log in
        # batches, which a crash loses; the fd is what the agent keeps.
        os.write(2, b'py_null_read: about to read address 0\n')
        ctypes.string_at(0)
