import sys

from vigil import AgentCheck


class Prints(AgentCheck):
    def check(self, instance):
        print('hello from print')
        sys.stderr.write('to stderr\n')
        self.gauge('printed', 1)
