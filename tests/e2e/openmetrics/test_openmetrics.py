#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end: `vigil check openmetrics` scrapes real endpoints on 127.0.0.1.

- Debian's prometheus-node-exporter, started on a free port;
- a real Prometheus server's own /metrics (it answers OpenMetrics, which the
  check asks for first);
- a `vigil run` agent's /metrics;
- and, against recorded bodies served by `python3 -m http.server`, Datadog's
  own OpenMetrics V2 check (the real one, from
  ../shared/third_party/datadog-integrations-core-35): both must submit the
  same metric names, types and tags, and the same gauge values, for
  node_exporter's body and for the OpenMetrics fixture (Datadog's check gets
  it in the text format it asks for).

Each case exits 77 (skipped) when what it needs is missing: the binary, or
Datadog's check and the Debian packages it imports.  Every process a test
starts is stopped by the test, also on failure.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from process_tree import stop  # noqa: E402
from test_http import Agent, free_port, vigil  # noqa: E402

BUILD = os.environ["VIGIL_BUILD_ROOT"]
SOURCE = os.environ["VIGIL_SOURCE_ROOT"]
OPENMETRICS_SO = os.path.join(BUILD, "native_checks", "openmetrics.so")
FIXTURES = os.path.join(SOURCE, "tests", "data", "openmetrics")
DATADOG = os.path.join(os.path.dirname(SOURCE), "shared", "third_party",
                       "datadog-integrations-core-35")
NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"


def wait_until_served(url, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[0]} exited {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


class Scrape(unittest.TestCase):
    """A plugins/ folder with only openmetrics.so, and its conf.d."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="vigil-om-")
        self.addCleanup(self.tmp.cleanup)
        self.plugins = os.path.join(self.tmp.name, "plugins")
        self.confd = os.path.join(self.tmp.name, "conf.d")
        os.mkdir(self.plugins)
        os.mkdir(self.confd)
        shutil.copy(OPENMETRICS_SO, self.plugins)

    def start(self, args, url):
        log = open(os.path.join(self.tmp.name, os.path.basename(args[0]) + ".log"), "w")
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        self.addCleanup(stop, proc)
        wait_until_served(url, proc)
        return proc

    def check(self, instance, times=2):
        """`vigil check openmetrics --json` with one instance; the report."""
        with open(os.path.join(self.confd, "openmetrics.yaml"), "w") as f:
            json.dump({"instances": [instance]}, f)  # JSON is YAML
        proc = vigil("check", "openmetrics", "--json", "--times", str(times), "--pause", "1",
                     "--plugins", self.plugins, "--conf-d", self.confd, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        for inst in report["instances"]:
            self.assertEqual(inst["status"], "ok", inst)
        return report

    def metric(self, report, name, *tags):
        """The one metric of the last run called `name` with all `tags`."""
        found = [m for m in report["metrics"]
                 if m["name"] == name and all(t in m["tags"] for t in tags)]
        self.assertTrue(found, f"no {name} {tags} in {sorted({m['name'] for m in report['metrics']})[:50]}")
        return found[-1]

    def health(self, report, name):
        checks = [c for c in report["service_checks"] if c["name"] == name]
        self.assertTrue(checks, report["service_checks"])
        return checks[-1]


class NodeExporterTest(Scrape):
    def test_node_exporter_series(self):
        if not os.access(NODE_EXPORTER, os.X_OK):
            self.skipTest("prometheus-node-exporter not installed")
        port = free_port()
        url = f"http://127.0.0.1:{port}/metrics"
        self.start([NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{port}"], url)
        report = self.check({"openmetrics_endpoint": url, "namespace": "node",
                             "metrics": [".+"], "tags": ["env:e2e"]})
        endpoint = "endpoint:" + url
        load = self.metric(report, "node.node_load1", endpoint, "env:e2e")
        self.assertEqual(load["type"], "gauge")
        self.assertGreaterEqual(load["value"], 0)
        cpu = self.metric(report, "node.node_cpu_seconds.count", "cpu:0", "mode:idle")
        self.assertEqual(cpu["type"], "count")
        self.assertGreaterEqual(cpu["value"], 0)
        gc = self.metric(report, "node.go_gc_duration_seconds.quantile", "quantile:0.5")
        self.assertEqual(gc["type"], "gauge")
        info = self.metric(report, "node.node_exporter_build_info")
        self.assertTrue(any(t.startswith("goversion:go") for t in info["tags"]), info)
        # node_exporter's untyped families are skipped, as Datadog's check does.
        self.assertFalse([m for m in report["metrics"]
                          if m["name"].startswith("node.node_vmstat_")])
        health = self.health(report, "node.openmetrics.health")
        self.assertEqual(health["status"], "OK")
        self.assertIn(endpoint, health["tags"])


class PrometheusTest(Scrape):
    def test_prometheus_own_metrics_in_openmetrics(self):
        try:
            from test_remote_write import Prometheus
        except SystemExit:
            self.skipTest("prometheus not installed")
        prometheus = Prometheus(self.tmp.name, free_port())
        prometheus.start()
        self.addCleanup(prometheus.stop)
        url = prometheus.url + "/metrics"
        report = self.check({"openmetrics_endpoint": url, "namespace": "prom",
                             "metrics": ["^prometheus_", "^go_", "^process_"]})
        info = self.metric(report, "prom.prometheus_build_info")
        self.assertEqual(info["value"], 1)
        self.assertTrue(any(t.startswith("version:2.") for t in info["tags"]), info)
        requests = self.metric(report, "prom.prometheus_http_requests.count",
                               "handler:/-/ready")
        self.assertEqual(requests["type"], "count")
        bucket = self.metric(report, "prom.prometheus_http_request_duration_seconds.bucket",
                             "handler:/-/ready", "upper_bound:0.1")
        self.assertEqual(bucket["type"], "count")
        self.assertFalse([m for m in report["metrics"] if "upper_bound:inf" in m["tags"]])
        self.metric(report, "prom.prometheus_http_request_duration_seconds.sum")
        self.assertEqual(self.metric(report, "prom.go_goroutines")["type"], "gauge")
        self.metric(report, "prom.go_gc_duration_seconds.quantile", "quantile:0")
        self.metric(report, "prom.go_gc_duration_seconds.quantile", "quantile:1.0")
        self.assertFalse([m for m in report["metrics"] if m["name"].endswith("_created")])
        self.assertEqual(self.health(report, "prom.openmetrics.health")["status"], "OK")


class VigilSelfTest(Scrape):
    def test_an_agent_scraped_by_another(self):
        uptime = os.path.join(BUILD, "native_checks", "uptime.so")
        if not os.path.exists(uptime):
            self.skipTest("this build has no uptime check for the agent to run")
        plugins = os.path.join(self.tmp.name, "agent-plugins")
        os.mkdir(plugins)
        shutil.copy(uptime, plugins)
        agent = Agent(self.tmp.name, args=("--plugins", plugins, "--conf-d", self.confd))
        self.addCleanup(agent.stop)
        agent.wait_for_metric('vigil_check_runs_total{check="uptime"')
        report = self.check({"openmetrics_endpoint": agent.url + "/metrics",
                             "namespace": "vigil", "metrics": ["^vigil_"]})
        runs = self.metric(report, "vigil.vigil_check_runs.count", "check:uptime")
        self.assertEqual(runs["type"], "count")
        build = self.metric(report, "vigil.vigil_build_info")
        self.assertEqual(build["type"], "gauge")
        python = "true" if os.environ.get("VIGIL_PYTHON_ENABLED") == "1" else "false"
        self.assertIn("python:" + python, build["tags"])
        self.assertEqual(self.health(report, "vigil.openmetrics.health")["status"], "OK")


class DatadogParityTest(Scrape):
    """The recorded node_exporter body through both checks."""

    def datadog(self, url):
        os.environ.setdefault("DDEV_SKIP_GENERIC_TAGS_CHECK", "1")
        sys.path.insert(0, DATADOG)
        try:
            from datadog_checks.base import OpenMetricsBaseCheckV2
            from datadog_checks.base.stubs import aggregator
        except ImportError as e:
            self.skipTest(f"Datadog's check cannot be imported from {DATADOG}: {e}")
        instance = {"openmetrics_endpoint": url, "namespace": "node", "metrics": [".+"],
                    "max_returned_metrics": 10000}
        check = OpenMetricsBaseCheckV2("openmetrics", {}, [instance])
        for _ in range(2):
            aggregator.reset()
            self.assertEqual(check.run(), "")
        kinds = {aggregator.GAUGE: "gauge", aggregator.MONOTONIC_COUNT: "count"}
        return [(name, kinds[s.type], tuple(sorted(s.tags)), s.value)
                for name, stubs in aggregator._metrics.items() for s in stubs]

    def compare(self, served, theirs_file, ours_file):
        """Datadog's check on one file, ours on another, both from `served`."""
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        self.start([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                    "--directory", served], base + ours_file)
        theirs = self.datadog(base + theirs_file)
        url = base + ours_file
        report = self.check({"openmetrics_endpoint": url, "namespace": "node",
                             "metrics": [".+"], "tag_by_endpoint": False})
        # The second run's counts are 0 (the same body twice); gauges repeat.
        ours = sorted(set((m["name"], m["type"], tuple(sorted(m["tags"])), m["value"])
                          for m in report["metrics"] if m["type"] == "gauge" or m["value"] == 0))
        # client_python writes OpenMetrics' `_created` samples into gauges of
        # their own in the text format; we do not send `_created`, as
        # Prometheus does not (nor client_golang in the text format).
        theirs = sorted(set((n, k, tuple(t for t in tags if not t.startswith("endpoint:")),
                             v if k == "gauge" else 0) for n, k, tags, v in theirs
                            if not n.endswith("_created")))
        missing = [x for x in theirs if x not in ours]
        extra = [x for x in ours if x not in theirs]
        self.assertEqual((missing[:5], extra[:5]), ([], []),
                         f"{len(missing)} only in Datadog's, {len(extra)} only in ours")
        return theirs

    def test_node_exporter_same_names_types_tags_and_gauges(self):
        theirs = self.compare(FIXTURES, "node_exporter.txt", "node_exporter.txt")
        self.assertGreater(len(theirs), 1000)

    def test_openmetrics_types_as_datadog_sees_them_in_text(self):
        """Ours reads the OpenMetrics fixture; Datadog's asks for the text format,
        so it gets the same families as Prometheus' client_python writes them
        there (info as a gauge NAME_info, stateset as a gauge, gaugehistogram
        as a histogram)."""
        try:
            from prometheus_client import CollectorRegistry, generate_latest
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
        except ImportError:
            self.skipTest("python3-prometheus-client not installed")
        with open(os.path.join(FIXTURES, "openmetrics.txt")) as f:
            families = list(text_string_to_metric_families(f.read()))

        class Fixture:
            def collect(self):
                return families

        registry = CollectorRegistry()
        registry.register(Fixture())
        served = os.path.join(self.tmp.name, "served")
        os.mkdir(served)
        shutil.copy(os.path.join(FIXTURES, "openmetrics.txt"), served)
        with open(os.path.join(served, "text.txt"), "wb") as f:
            f.write(generate_latest(registry))
        theirs = self.compare(served, "text.txt", "openmetrics.txt")
        names = {n for n, *_ in theirs}
        self.assertTrue({"node.build_info", "node.feature", "node.queue_latency.bucket",
                         "node.queue_latency_gsum", "node.requests.count"} <= names, names)


if __name__ == "__main__":
    # A case whose peer is missing is skipped, and the script exits 77 for
    # meson when every case it ran was.
    program = unittest.main(exit=False)
    result = program.result
    if result.wasSuccessful() and result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
