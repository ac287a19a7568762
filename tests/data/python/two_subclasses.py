from vigil import AgentCheck


class FirstCheck(AgentCheck):
    pass


class SecondCheck(AgentCheck):
    pass
