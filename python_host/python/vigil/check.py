"""AgentCheck: the base class of a Python check (Datadog's contract).

Submissions go straight to the builtin `aggregator` module, which sends them
to the run in progress.  The metric methods are the hot path (a check may send
a million samples a second), so they do as little as possible in Python: tag
type checks and value conversion happen in C.
"""
import json
import logging
import traceback

import aggregator
import datadog_agent

_submit_metric = aggregator.submit_metric
_submit_service_check = aggregator.submit_service_check
_submit_event = aggregator.submit_event
_submit_histogram_bucket = aggregator.submit_histogram_bucket


class CheckTimeout(BaseException):
    """Raised inside a check that overran its timeout.

    A BaseException, so that `except Exception` in a check does not swallow it.
    """


class ConfigurationError(Exception):
    """A check's configuration is invalid."""


def is_affirmative(value):
    """True for true/yes/on/1 (any case) and truthy non-strings."""
    if isinstance(value, str):
        return value.strip().lower() in ('yes', 'true', '1', 'y', 'on')
    return bool(value)


def ensure_unicode(s, encoding='utf-8'):
    return s.decode(encoding, 'replace') if isinstance(s, bytes) else s


def ensure_bytes(s, encoding='utf-8'):
    return s.encode(encoding) if isinstance(s, str) else s


def _metric_method(mtype):
    def submit(self, name, value, tags=None, hostname=None, device_name=None, raw=False,
               flush_first_value=False):
        if device_name is not None:
            tags = self._tags(tags, device_name)
        _submit_metric(self, self.check_id, mtype, name if raw else self._prefix + name, value,
                       tags, hostname, flush_first_value)
    return submit


class AgentCheck:
    OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3

    # Prefix for every metric and service check name ("ns." + name).
    __NAMESPACE__ = ''

    def __init__(self, *args, **kwargs):
        """AgentCheck(name, init_config, instances) or with keywords.

        A fourth positional argument (or `instances` given as a keyword) means
        the Agent 5 order: name, init_config, agentConfig, instances.
        """
        self.name = kwargs.get('name', '')
        self.init_config = kwargs.get('init_config', {})
        self.agentConfig = kwargs.get('agentConfig', {})
        self.instances = kwargs.get('instances', [])
        if args:
            self.name = args[0]
        if len(args) > 1:
            self.init_config = args[1]
        if len(args) > 2:
            if len(args) > 3 or 'instances' in kwargs:
                self.agentConfig = args[2]
                if len(args) > 3:
                    self.instances = args[3]
            else:
                self.instances = args[2]
        self.init_config = self.init_config or {}
        self.instances = list(self.instances or [])
        self.instance = self.instances[0] if self.instances else None
        self.check_id = ''
        self.warnings = []
        self.log = logging.getLogger('vigil.check.' + (self.name or type(self).__name__))

        ns = self.__NAMESPACE__
        self._prefix = ns + '.' if ns else ''
        # Instance `tags` are not added here: the agent adds them to every
        # sample, service check and event of every check kind, native or not.

    # -- metrics ---------------------------------------------------------
    gauge = _metric_method(aggregator.GAUGE)
    count = _metric_method(aggregator.COUNT)
    monotonic_count = _metric_method(aggregator.MONOTONIC_COUNT)
    rate = _metric_method(aggregator.RATE)
    histogram = _metric_method(aggregator.HISTOGRAM)
    historate = _metric_method(aggregator.HISTORATE)

    def increment(self, name, value=1, tags=None, hostname=None, device_name=None, raw=False):
        self.count(name, value, tags, hostname, device_name, raw)

    def decrement(self, name, value=-1, tags=None, hostname=None, device_name=None, raw=False):
        self.count(name, value, tags, hostname, device_name, raw)

    def submit_histogram_bucket(self, name, value, lower_bound, upper_bound, monotonic, hostname,
                                tags, raw=False, flush_first_value=False):
        _submit_histogram_bucket(self, self.check_id, name if raw else self._prefix + name, value,
                                 lower_bound, upper_bound, monotonic, hostname, tags,
                                 flush_first_value)

    @staticmethod
    def _tags(tags, device_name):
        if device_name is None:
            return tags
        out = list(tags) if tags is not None else []
        out.append('device:' + str(device_name))
        return out

    # -- service checks and events ---------------------------------------
    def service_check(self, name, status, tags=None, hostname=None, message=None, raw=False):
        _submit_service_check(self, self.check_id, name if raw else self._prefix + name,
                              int(status), tags, hostname,
                              '' if message is None else str(message))

    def event(self, event):
        if not isinstance(event, dict):
            raise TypeError('event must be a dict, not %s' % type(event).__name__)
        _submit_event(self, self.check_id, event)

    # -- warnings, metadata, cache ---------------------------------------
    def warning(self, warning_message, *args, **kwargs):
        message = str(warning_message)
        if args or kwargs:
            message = message % (args or kwargs)
        # Reported after the run, from get_warnings(), as the Datadog
        # agent reads them (the base's warning() does the same).
        self.warnings.append(message)

    def get_warnings(self):
        warnings, self.warnings = self.warnings, []
        return warnings

    def set_metadata(self, name, value, **options):
        datadog_agent.set_check_metadata(self.check_id, name, str(value))

    def set_external_tags(self, external_tags):
        datadog_agent.set_external_tags(external_tags)

    def read_persistent_cache(self, key):
        return datadog_agent.read_persistent_cache('%s_%s' % (self.check_id, key))

    def write_persistent_cache(self, key, value):
        datadog_agent.write_persistent_cache('%s_%s' % (self.check_id, key), value)

    # -- running ---------------------------------------------------------
    def check(self, instance):
        raise NotImplementedError('%s does not implement check()' % type(self).__name__)

    def cancel(self):
        """Called when the instance is unscheduled; override to clean up."""

    def run(self):
        """One run: '' on success, else Datadog's JSON error list.

        The instance is passed as is (not deep-copied per run as in the
        Datadog agent).  CheckTimeout, a BaseException, is not caught here.
        """
        try:
            self.check(self.instance)
            return ''
        except Exception as e:
            return json.dumps([{
                'message': '%s: %s' % (type(e).__name__, e),
                'traceback': traceback.format_exc(),
            }])
