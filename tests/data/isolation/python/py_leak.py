# Keeps 10 MB more on every run and reports its process's pid and resident
# size, so a test can see the worker replaced once it passes the ceiling.
import os

from datadog_checks.base import AgentCheck

_kept = []


def _rss_mb():
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf('SC_PAGE_SIZE') / (1024 * 1024)


class PyLeak(AgentCheck):
    def check(self, instance):
        # Non-zero bytes: calloc'd zeros from fresh mmap pages would not be
        # resident, and RSS is what the pool's ceiling looks at.
        _kept.append(b'\x01' * (10 * 1024 * 1024))
        self.gauge('isolation.py.leak.pid', os.getpid())
        self.gauge('isolation.py.leak.rss_mb', _rss_mb())
        self.gauge('isolation.py.leak.kept_mb', 10 * len(_kept))
