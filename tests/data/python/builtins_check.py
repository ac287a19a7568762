# Calls every builtin module function of the Datadog agent's contract that
# python_host adds (docs/python.md, "The agent's builtin modules") and sends
# what each answered or raised as one event, JSON in msg_text, which
# tests/python/builtins_test.cpp asserts on.
import json
import os
import sys

import aggregator
import datadog_agent
import vigil
from datadog_checks.base import AgentCheck

# python_host puts _agent_modules right after the standard library; a build
# that does not yet would still test the modules themselves.
_AGENT_MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(vigil.__file__))),
                              '_agent_modules')
if _AGENT_MODULES not in sys.path:
    sys.path.insert(0, _AGENT_MODULES)
    _INSERTED = True
else:
    _INSERTED = False
try:
    # Exactly as datadog_checks_base 35 imports them
    # (utils/subprocess_output.py, utils/tagging.py).
    from _util import SubprocessOutputEmptyError
    from _util import get_subprocess_output as subprocess_output
    import _util
    import containers
    import kubeutil
    import tagger
    import util
finally:
    if _INSERTED:
        sys.path.remove(_AGENT_MODULES)

CONFIG_KEYS = [
    'enable_metadata_collection', 'disable_unsafe_yaml', 'log_level', 'confd_path',
    'integration_tracing', 'integration_tracing_exhaustive', 'integration_tracing_futures',
    'integration_profiling', 'tracemalloc_include', 'tracemalloc_exclude',
    'tracemalloc_whitelist', 'tracemalloc_blacklist', 'kubernetes_pod_expiration_duration',
    'kubernetes_kubeconfig_path', 'proxy', 'hostname', 'site', 'no_such_key',
]


def outcome(fn, *args, **kwargs):
    """{"value": result} or {"raised": "module.Type", "message": str(e)}."""
    try:
        value = fn(*args, **kwargs)
    except Exception as e:
        return {'raised': '%s.%s' % (type(e).__module__, type(e).__qualname__), 'message': str(e)}
    try:
        json.dumps(value)
    except TypeError:
        value = repr(value)
    return {'value': value}


class BuiltinsCheck(AgentCheck):
    def check(self, instance):
        r = {}
        r['get_config'] = {key: datadog_agent.get_config(key) for key in CONFIG_KEYS}

        start = datadog_agent.get_process_start_time()
        r['start_time'] = {'value': start, 'type': type(start).__name__}

        r['obfuscate_sql'] = outcome(datadog_agent.obfuscate_sql, 'SELECT 1')
        r['obfuscate_sql_options'] = outcome(datadog_agent.obfuscate_sql, 'SELECT 1',
                                             options='{"dbms": "postgresql"}')
        r['obfuscate_sql_bad'] = outcome(datadog_agent.obfuscate_sql, None)
        r['obfuscate_sql_exec_plan'] = outcome(datadog_agent.obfuscate_sql_exec_plan, '{}',
                                               normalize=True)
        r['obfuscate_sql_exec_plan_kw'] = outcome(datadog_agent.obfuscate_sql_exec_plan,
                                                  plan='{}')
        r['obfuscate_mongodb_string'] = outcome(datadog_agent.obfuscate_mongodb_string, '{}')

        # Twice each: one debug line, the first time.
        for _ in range(2):
            datadog_agent.send_log('a log line', self.check_id)
            datadog_agent.emit_agent_telemetry('builtins_check', 'runs', 1, 'counter',
                                               labels={'a': 'b'})
            aggregator.submit_event_platform_event(self, self.check_id, '{"x": 1}',
                                                   'dbm-samples')
        r['send_log_bad'] = outcome(datadog_agent.send_log, 'line')
        r['emit_agent_telemetry_bad'] = outcome(datadog_agent.emit_agent_telemetry, 'c', 'm',
                                                'not a number', 'gauge')
        r['event_platform_bad'] = outcome(aggregator.submit_event_platform_event, self,
                                          self.check_id, '{}')
        # The optional flush_first_value is accepted (positional, as rtloader).
        aggregator.submit_metric(self, self.check_id, aggregator.MONOTONIC_COUNT, 'bi.flush', 5,
                                 ['f:1'], '', True)
        aggregator.submit_metric(self, self.check_id, aggregator.MONOTONIC_COUNT, 'bi.no_flush',
                                 5, [], '', 0)
        r['submit_metric_keyword'] = outcome(aggregator.submit_metric, self, self.check_id,
                                             aggregator.GAUGE, 'bi.kw', 1, [], '',
                                             flush_first_value=True)

        r['set_external_tags_ok'] = outcome(datadog_agent.set_external_tags,
                                            [('h', {'src': ['t:1', 2]}), ('h2', {})])
        r['set_external_tags_not_list'] = outcome(datadog_agent.set_external_tags, ('h', {}))
        r['set_external_tags_not_dict'] = outcome(datadog_agent.set_external_tags, [('h', [])])
        r['set_check_metadata_bad'] = outcome(datadog_agent.set_check_metadata, self.check_id,
                                              'version', 1)
        r['headers_same'] = util.headers is datadog_agent.headers
        r['get_version_args'] = outcome(datadog_agent.get_version, 'x')

        r['echo'] = outcome(subprocess_output, ['/bin/echo', 'hi'], False)
        r['env'] = outcome(_util.get_subprocess_output, ['/usr/bin/env'], env={'A': '1'})
        r['env_empty'] = outcome(_util.get_subprocess_output,
                                 ['/bin/sh', '-c', 'echo "$VIGIL_BUILTINS_TEST"'], env={})
        r['exit_code'] = outcome(_util.get_subprocess_output,
                                 ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'])
        r['empty'] = outcome(_util.get_subprocess_output, ['/bin/true'], True)
        r['empty_ok'] = outcome(_util.get_subprocess_output, ['/bin/true'], False)
        r['empty_error_class'] = (SubprocessOutputEmptyError is _util.SubprocessOutputEmptyError
                                  and issubclass(SubprocessOutputEmptyError, Exception))
        r['missing'] = outcome(_util.get_subprocess_output, ['vigil-no-such-command-xyz'])
        r['missing_path'] = outcome(_util.get_subprocess_output, ['/nonexistent/vigil-cmd'])
        r['not_list'] = outcome(_util.get_subprocess_output, 'ls')
        r['empty_list'] = outcome(_util.get_subprocess_output, [])
        r['not_str'] = outcome(_util.get_subprocess_output, ['/bin/echo', 1])
        r['not_bool'] = outcome(_util.get_subprocess_output, ['/bin/echo'], 1)
        r['env_not_dict'] = outcome(_util.get_subprocess_output, ['/bin/echo'], env=['A=1'])
        r['env_positional'] = outcome(_util.get_subprocess_output, ['/bin/echo'], False, {})
        r['alias'] = _util.subprocess_output is _util.get_subprocess_output

        r['is_excluded'] = outcome(containers.is_excluded, 'name', 'image')
        r['is_excluded_ns'] = outcome(containers.is_excluded, 'name', 'image', 'ns')
        r['connection_info'] = outcome(kubeutil.get_connection_info)
        r['tagger_constants'] = [tagger.LOW, tagger.ORCHESTRATOR, tagger.HIGH]
        r['tag'] = outcome(tagger.tag, 'container_id://abc', tagger.HIGH)
        r['tag_bad'] = outcome(tagger.tag, 'container_id://abc', 3)
        r['tag_keyword'] = outcome(tagger.tag, 'container_id://abc', cardinality=0)
        r['get_tags'] = outcome(tagger.get_tags, 'container_id://abc', True)

        self.event({'msg_title': 'builtins', 'msg_text': json.dumps(r)})
