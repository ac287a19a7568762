"""A test integration: reports what it was given and where it runs."""
from datadog_checks.base import AgentCheck


def _in_worker():
    # An isolated run happens in a `vigil worker` process.
    with open('/proc/self/cmdline', 'rb') as f:
        return b'worker' in f.read().split(b'\0')


class EchoIntegrationCheck(AgentCheck):
    __NAMESPACE__ = 'echo'

    def check(self, instance):
        tags = ['integration:' + self.name] + list(instance.get('tags') or [])
        self.gauge('value', float(instance.get('value', 0)), tags=tags)
        self.gauge('in_worker', 1 if _in_worker() else 0, tags=tags)
        self.service_check('can_echo', AgentCheck.OK, tags=tags)
        if instance.get('warn'):
            self.warning('echo warns: %s', instance['warn'])
