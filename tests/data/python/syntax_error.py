from vigil import AgentCheck

def broken(:
    pass
