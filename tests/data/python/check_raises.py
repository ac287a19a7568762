from vigil import AgentCheck


def helper():
    raise RuntimeError('connection refused')


class CheckRaises(AgentCheck):
    def check(self, instance):
        helper()
