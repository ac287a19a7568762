#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end: a real Prometheus scrapes a running Vigil's /metrics.

The test starts `vigil run` (the build tree's bundled checks) listening on a
free loopback port, then a `prometheus` server on another free loopback port
whose only job scrapes that agent every second or two.  Once Prometheus
reports the target up, it reads back through the query API a bundled check's
gauge and an agent-health counter, with their labels.  Both processes are
stopped by the test, also on failure.  Exits 77 (skipped) only when the
prometheus binary (Debian package prometheus) is missing.
"""
import json
import tempfile
import unittest
import urllib.parse
import urllib.request

# Exits 77 when prometheus is not installed.
from test_remote_write import Prometheus, free_port, wait_for
from test_http import START_TIMEOUT, WRAPPER, Agent

HOST = "e2e-host"  # test_http.Agent's hostname
JOB = "vigil"
# Under qemu /metrics is served by an emulated binary: give each scrape longer.
SCRAPE_SECONDS = 2 if WRAPPER else 1


def scrape_config(target):
    return (f"global:\n"
            f"  scrape_interval: {SCRAPE_SECONDS}s\n"
            f"  scrape_timeout: {SCRAPE_SECONDS}s\n"
            f"scrape_configs:\n"
            f"  - job_name: {JOB}\n"
            f"    static_configs:\n"
            f"      - targets: ['{target}']\n")


class ScrapeTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="vigil-scrape-")
        self.addCleanup(tmp.cleanup)
        self.agent = Agent(tmp.name)
        self.addCleanup(self.agent.stop)
        self.target = f"127.0.0.1:{self.agent.port}"
        # Cleanups run last-in first-out: Prometheus stops before the agent.
        self.prometheus = Prometheus(tmp.name, free_port(), scrape_config(self.target))
        self.addCleanup(self.prometheus.stop)

    def query_one(self, promql):
        """The single series `promql` selects now: (labels, value); None if none yet."""
        result = self.prometheus.query(promql)
        if not result:
            return None
        self.assertEqual(len(result), 1, f"{promql}: {result}")
        return result[0]["metric"], float(result[0]["value"][1])

    def test_prometheus_scrapes_check_and_health_metrics(self):
        # The agent first, so the first scrape can already succeed.
        self.agent.wait_for_metric('vigil_check_runs_total{check="example"')
        self.prometheus.start()

        up = wait_for("prometheus to scrape the agent",
                      lambda: self.query_one(f'up{{job="{JOB}"}}'), START_TIMEOUT)
        labels, value = up
        self.assertEqual(labels, {"__name__": "up", "job": JOB, "instance": self.target})
        self.assertEqual(value, 1.0, self.prometheus.log_text())

        # A bundled check's gauge: the example check's (value 42, its tags as labels).
        labels, value = wait_for("example_value in prometheus",
                                 lambda: self.query_one(f'example_value{{job="{JOB}"}}'),
                                 START_TIMEOUT)
        self.assertEqual(labels, {"__name__": "example_value", "job": JOB,
                                  "instance": self.target, "host": HOST,
                                  "env": "demo", "role": "example"})
        self.assertEqual(value, 42.0)

        # An agent-health counter, per check, with the check's labels.
        labels, runs = wait_for(
            "vigil_check_runs_total in prometheus",
            lambda: self.query_one(f'vigil_check_runs_total{{job="{JOB}",check="example"}}'),
            START_TIMEOUT)
        self.assertEqual(labels["host"], HOST)
        self.assertEqual(labels["instance"], self.target)
        self.assertTrue(labels["check_id"].startswith("example:"), labels)
        self.assertGreaterEqual(runs, 1)
        # Prometheus took the # TYPE lines: the target's metadata has the types.
        self.assertEqual(self.metric_type("vigil_check_runs_total"), "counter")
        self.assertEqual(self.metric_type("example_value"), "gauge")
        labels, value = self.query_one(f'vigil_build_info{{job="{JOB}"}}')
        self.assertEqual(value, 1.0)
        self.assertEqual(labels["host"], HOST)

    def metric_type(self, name):
        params = urllib.parse.urlencode(
            {"match_target": f'{{job="{JOB}"}}', "metric": name})
        url = f"{self.prometheus.url}/api/v1/targets/metadata?{params}"
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
        self.assertEqual(body["status"], "success", body)
        self.assertEqual(len(body["data"]), 1, body)
        return body["data"][0]["type"]


if __name__ == "__main__":
    unittest.main()
