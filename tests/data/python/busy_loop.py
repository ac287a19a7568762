# First run spins in pure Python until interrupted; later runs are quick.
from vigil import AgentCheck


class BusyLoop(AgentCheck):
    runs = 0

    def check(self, instance):
        BusyLoop.runs += 1
        if BusyLoop.runs == 1:
            try:
                while True:
                    pass
            except Exception:
                pass  # a CheckTimeout is not an Exception: not swallowed here
        self.gauge('busy.after', BusyLoop.runs)
