"""Where a check's output goes: the agent log, never the agent's stdout.

`vigil run` writes JSON lines on stdout; a check that prints must not corrupt
them, so sys.stdout and sys.stderr become streams that log each line, and the
logging module gets one handler that sends records to datadog_agent.log.
"""
import io
import logging
import sys
import threading

import datadog_agent

_log = datadog_agent.log


class AgentLogHandler(logging.Handler):
    """The root logger's handler until the published datadog_checks_base is
    imported: its init_logging() adds its own AgentLogHandler to the root
    logger, unconditionally, which sends every record to datadog_agent.log
    in the Datadog agent's format.  From then on this one stays silent, so
    that each line is logged once.  (It is not removed: the logging module
    may be iterating over the handlers when it notices.)"""

    def __init__(self):
        super().__init__()
        self._yielded = False

    def _yields(self):
        if not self._yielded:
            self._yielded = any(
                h is not self and type(h).__name__ == 'AgentLogHandler'
                and not isinstance(h, AgentLogHandler) for h in logging.getLogger().handlers)
        return self._yielded

    def emit(self, record):
        if self._yields():
            return
        try:
            _log(self.format(record), record.levelno)
        except Exception:
            self.handleError(record)


class AgentLogStream(io.TextIOBase):
    """A text stream that logs each complete line at `level`."""

    def __init__(self, name, level):
        super().__init__()
        self._name = name
        self._level = level
        self._lock = threading.Lock()
        self._pending = ''

    @property
    def name(self):
        return self._name

    @property
    def encoding(self):
        return 'utf-8'

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not %s' % type(s).__name__)
        with self._lock:
            text = self._pending + s
            lines = text.split('\n')
            self._pending = lines.pop()
        for line in lines:
            _log(line, self._level)
        return len(s)

    def flush(self):
        with self._lock:
            line, self._pending = self._pending, ''
        if line:
            _log(line, self._level)


def install():
    sys.stdout = AgentLogStream('<stdout>', logging.INFO)
    sys.stderr = AgentLogStream('<stderr>', logging.WARNING)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = AgentLogHandler()
    handler.setFormatter(logging.Formatter('%(message)s'))
    root.addHandler(handler)
    # The agent filters by its own level; Python passes everything but TRACE.
    root.setLevel(logging.DEBUG)
    logging.addLevelName(7, 'TRACE')
