# Catches everything, the watchdog's CheckTimeout included, and carries on.
import time

from vigil import AgentCheck


class SwallowTimeout(AgentCheck):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = 0

    def check(self, instance):
        self.runs += 1
        if self.runs > 1:
            # Pure-Python work shorter than the timeout.
            spin(instance.get('later_spin', 0))
            self.gauge('swallow.run', self.runs)
            return
        caught = 'nothing'
        try:
            while True:
                pass
        except BaseException as e:  # noqa: B902 - the point of this fixture
            caught = type(e).__name__
        self.gauge('swallow.caught', 1, tags=['exception:' + caught])
        # Still spinning after the interrupt: no second one comes.
        spin(instance.get('spin_after', 0))
        self.gauge('swallow.finished', 1)


def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
