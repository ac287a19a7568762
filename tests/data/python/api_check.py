# Exercises the whole AgentCheck API; the test reads what was recorded.
from datadog_checks.base import AgentCheck

__version__ = '1.2.3'


class ApiCheck(AgentCheck):
    __NAMESPACE__ = 'api'

    def check(self, instance):
        self.gauge('gauge', 1.5, tags=['a:1', 'b:2', 'c:3'])
        self.count('count', 2)
        self.monotonic_count('monotonic', 3)
        self.rate('rate', 4)
        self.histogram('histogram', 5)
        self.historate('historate', 6)
        self.gauge('raw.gauge', 7, raw=True)
        self.gauge('hosted', 8, hostname='other-host')
        self.gauge('device', 9, device_name='sda')
        self.gauge('string_value', '10.5')
        self.gauge('bad_tags', 11, tags=['ok:1', 42, b'bytes:1'])
        # The check sees its instance's tags; the agent (not the check) adds
        # them to what it sends, so they are sent here only as given.
        self.gauge('instance.tags', len(instance.get('tags') or []),
                   tags=list(instance.get('tags') or []))
        self.submit_histogram_bucket('bucket', 4, 0, 10.5, True, 'bucket-host', ['hb:1'])
        import aggregator
        aggregator.submit_histogram_bucket(self, self.check_id, 'raw.bucket', 2, 1, 2, False,
                                           None, ['rb:1'], True)
        self.service_check('can_connect', AgentCheck.CRITICAL, tags=['sc:1'], message='down')
        self.event({'msg_title': 'title', 'msg_text': 'text', 'timestamp': 1700000000,
                    'alert_type': 'error', 'tags': ['ev:1'], 'event_type': 'deploy'})
        self.warning('careful: %s', 'hot')
        self.log.info('info from %s', self.name)
        self.write_persistent_cache('key/../x', 'value-1')
        self.gauge('cache.roundtrip', 1 if self.read_persistent_cache('key/../x') == 'value-1' else 0)
        self.gauge('cache.missing', 1 if self.read_persistent_cache('never') == '' else 0)
        self.gauge('check_id.set', 1 if self.check_id == 'api_check:default:1' else 0)
        self.gauge('init.value', self.init_config.get('init_value', -1))

        import datadog_agent
        assert datadog_agent.get_version() == '9.9.9'
        assert datadog_agent.get_hostname() == 'test-host'
        assert datadog_agent.get_config('site') == 'example.com'
        assert datadog_agent.get_config('missing') is None
        assert datadog_agent.headers({}, http_host='h')['Host'] == 'h'
        assert datadog_agent.tracemalloc_enabled() is False
        self.set_metadata('version', '1.0')
        self.gauge('datadog_agent.ok', 1)

        if instance.get('bad_value'):
            self.gauge('not_a_number', 'abc')
