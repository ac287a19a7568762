from vigil import AgentCheck


class InitRaises(AgentCheck):
    def __init__(self, name, init_config, instances):
        super().__init__(name, init_config, instances)
        raise ValueError('missing url in instance')
