# Reads address 0 while its module is imported, before any check runs: the
# process that imports it dies of SIGSEGV.  Isolated, that is a probe worker.
import ctypes
import os

os.write(2, b'py_import_crash: about to read address 0 at import\n')
ctypes.string_at(0)

from datadog_checks.base import AgentCheck  # noqa: E402 (never reached)


class PyImportCrash(AgentCheck):
    def check(self, instance):
        pass
