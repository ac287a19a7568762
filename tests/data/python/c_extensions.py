# C extension modules need libpython's symbols in the global scope.
import _ctypes
import _decimal
import _json
import _ssl

import psutil
import yaml

from vigil import AgentCheck

assert yaml.__with_libyaml__, 'yaml fell back to pure Python'


class CExtensions(AgentCheck):
    def check(self, instance):
        import json
        self.gauge('json.c_scanner', 1 if json.scanner.c_make_scanner is not None else 0)
        self.gauge('psutil.cpus', psutil.cpu_count())
        self.gauge('yaml.libyaml', 1 if yaml.__with_libyaml__ else 0)
