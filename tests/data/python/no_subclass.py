from vigil import AgentCheck


class NotACheck:
    pass
