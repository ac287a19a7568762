# A Datadog-style custom check, exactly as one would write it for the Datadog
# agent's checks.d/: Vigil runs it unchanged through python_host.
from datadog_checks.base import AgentCheck

__version__ = "1.0.0"


class HelloCheck(AgentCheck):
    __NAMESPACE__ = "hello"

    def __init__(self, name, init_config, instances):
        super().__init__(name, init_config, instances)
        self.runs = 0

    def check(self, instance):
        self.runs += 1
        greeting = instance.get("greeting", "hello")
        self.gauge("greeting.length", len(greeting), tags=["lang:en"])
        self.monotonic_count("runs", self.runs)
        self.service_check("can_greet", AgentCheck.OK, message="said " + greeting)
