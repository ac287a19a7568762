# Sends `samples` gauges with three tags, for the throughput test.
from vigil import AgentCheck


class BenchGauges(AgentCheck):
    def check(self, instance):
        tags = ['a:1', 'b:2', 'c:3']
        gauge = self.gauge
        for _ in range(instance.get('samples', 100000)):
            gauge('bench.gauge', 1.0, tags=tags)
