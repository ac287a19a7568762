import time

from vigil import AgentCheck


class Sleeper(AgentCheck):
    def check(self, instance):
        time.sleep(instance.get('seconds', 1))
        self.gauge('slept', 1)
