# Allocates and frees about 1 MB per run (dicts, lists, strings) and sends a
# few metrics.  Every instance counts into one total; at `warmup` and at
# `warmup + runs` total runs it appends this process's VmRSS to `report`.
import os

from vigil import AgentCheck

_total = 0


def _rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


class Churn(AgentCheck):
    def check(self, instance):
        global _total
        rows = [{'id': i, 'name': 'row-%d' % i, 'tags': ['t:%d' % (i % 7)]}
                for i in range(3000)]
        blob = ''.join(r['name'] for r in rows) * 4
        self.gauge('churn.rows', len(rows), tags=['size:%d' % (len(blob) // 1000)])
        del rows, blob
        _total += 1
        if _total in (instance['warmup'], instance['warmup'] + instance['runs']):
            with open(instance['report'], 'a') as f:
                f.write('%d %d\n' % (_total, _rss_kb()))
