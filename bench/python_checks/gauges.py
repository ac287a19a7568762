# `samples` gauges with three tags per run, the way a check writes them.
from vigil import AgentCheck


class Gauges(AgentCheck):
    def check(self, instance):
        tags = ['a:1', 'b:2', 'c:3']
        for _ in range(instance.get('samples', 100000)):
            self.gauge('bench.gauge', 1.0, tags=tags)
