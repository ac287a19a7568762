#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end: `vigil run` pushes with remote write to a real Prometheus.

Each test starts `prometheus --web.enable-remote-write-receiver` on a free
loopback port with a throwaway TSDB, points Vigil at it, and reads back what
arrived through Prometheus' query API.  Every process a test starts is
stopped by the test, also on failure.  Exits 77 (skipped) only when the
prometheus binary is missing.
"""
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from process_tree import stop

PROMETHEUS = shutil.which("prometheus")
if PROMETHEUS is None:
    print("prometheus not installed (Debian package prometheus), skipping")
    sys.exit(77)

VIGIL = os.environ["VIGIL"]
WRAPPER = shlex.split(os.environ.get("VIGIL_EXE_WRAPPER", ""))
BUILD = os.environ["VIGIL_BUILD_ROOT"]
NATIVE = os.path.join(BUILD, "native_checks")
HOST = "e2e-rw-host"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Prometheus:
    """A Prometheus server on loopback with remote write enabled."""

    def __init__(self, tmp, port, config="global:\n  scrape_interval: 1h\n"):
        """`config` is the prometheus.yml text; the default scrapes nothing."""
        self.port = port
        self.data = os.path.join(tmp, "tsdb")
        self.config = os.path.join(tmp, "prometheus.yml")
        self.log = os.path.join(tmp, "prometheus.log")
        with open(self.config, "w") as f:
            f.write(config)
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        log = open(self.log, "a")
        self.proc = subprocess.Popen(
            [PROMETHEUS, "--web.enable-remote-write-receiver",
             f"--storage.tsdb.path={self.data}",
             f"--web.listen-address=127.0.0.1:{self.port}",
             f"--config.file={self.config}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        wait_for("prometheus to be ready", self.ready, 60)

    def ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"prometheus exited {self.proc.returncode}: {self.log_text()}")
        try:
            with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self):
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def log_text(self):
        with open(self.log) as f:
            return f.read()[-3000:]

    def query(self, promql, at=None):
        params = {"query": promql}
        if at is not None:
            params["time"] = str(at)
        with urllib.request.urlopen(
                self.url + "/api/v1/query?" + urllib.parse.urlencode(params), timeout=10) as r:
            body = json.load(r)
        if body["status"] != "success":
            raise AssertionError(f"query {promql!r} failed: {body}")
        return body["data"]["result"]


class RemoteWriteCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="vigil-rw-")
        self.prometheus = Prometheus(self.tmp.name, free_port())
        self.vigil = None
        plugins = os.path.join(self.tmp.name, "plugins")
        confd = os.path.join(self.tmp.name, "conf.d")
        os.mkdir(plugins)
        os.mkdir(confd)
        for check in ("example", "uptime"):
            shutil.copy(os.path.join(NATIVE, check + ".so"), plugins)
        with open(os.path.join(confd, "example.yaml"), "w") as f:
            f.write("instances:\n  - value: 3\n    min_collection_interval: 1\n"
                    "    tags: ['env:e2e']\n")
        with open(os.path.join(confd, "uptime.yaml"), "w") as f:
            f.write("instances:\n  - min_collection_interval: 1\n")
        self.folders = ["--plugins", plugins, "--conf-d", confd]
        self.vigil_yaml = os.path.join(self.tmp.name, "vigil.yaml")
        with open(self.vigil_yaml, "w") as f:
            f.write(f"flush_interval: 1\nhostname: {HOST}\noutput: none\n"
                    f"remote_write:\n"
                    f"  url: {self.prometheus.url}/api/v1/write\n"
                    f"  queue_size: 10000\n"
                    f"  timeout: 2\n"
                    f"  min_backoff: 0.05\n"
                    f"  max_backoff: 0.5\n")

    def tearDown(self):
        if self.vigil is not None:
            stop(self.vigil, signal.SIGKILL)
        self.prometheus.stop()
        self.tmp.cleanup()

    def start_vigil(self):
        self.vigil = subprocess.Popen(
            WRAPPER + [VIGIL, "-c", self.vigil_yaml, "run", *self.folders],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop_vigil(self):
        out, err = stop(self.vigil)
        code = self.vigil.returncode
        self.vigil = None
        self.assertEqual(code, 0, err)
        return err

    def example_series(self):
        return self.prometheus.query(f'example_value{{host="{HOST}"}}')

    def example_timestamps(self, window="10m"):
        """Timestamps (s) of every example_value sample Prometheus holds."""
        result = self.prometheus.query(f'example_value{{host="{HOST}"}}[{window}]')
        self.assertEqual(len(result), 1, result)
        return [float(t) for t, _ in result[0]["values"]]

    def assert_no_gap(self, stamps, longest):
        gaps = [b - a for a, b in zip(stamps, stamps[1:])]
        self.assertTrue(gaps, stamps)
        self.assertLessEqual(max(gaps), longest, f"a flush is missing: {stamps}")


class PushTest(RemoteWriteCase):
    def test_bundled_checks_series_arrive_with_values_and_labels(self):
        self.prometheus.start()
        self.start_vigil()
        wait_for("example_value in prometheus", self.example_series, 60)
        wait_for("system_uptime in prometheus",
                 lambda: self.prometheus.query(f'system_uptime{{host="{HOST}"}}'), 60)
        err = self.stop_vigil()

        example = self.example_series()
        self.assertEqual(len(example), 1, example)
        self.assertEqual(example[0]["metric"],
                         {"__name__": "example_value", "host": HOST, "env": "e2e"})
        self.assertEqual(float(example[0]["value"][1]), 3.0)
        uptime = self.prometheus.query(f'system_uptime{{host="{HOST}"}}')
        self.assertEqual(len(uptime), 1, uptime)
        with open("/proc/uptime") as f:
            machine_uptime = float(f.read().split()[0])
        self.assertGreater(float(uptime[0]["value"][1]), 0)
        self.assertLessEqual(float(uptime[0]["value"][1]), machine_uptime)
        self.assertNotIn("rejected", err)
        self.assertNotIn("dropping", err)


class OutageTest(RemoteWriteCase):
    def test_receiver_late_then_down_loses_nothing(self):
        # Vigil first: its first flushes find nobody listening.
        self.start_vigil()
        vigil_started = time.time()
        time.sleep(4)
        self.prometheus.start()
        wait_for("the queued samples to arrive", self.example_series, 60)

        # Then Prometheus goes away for a while and comes back.
        time.sleep(2)
        self.prometheus.stop()
        down_at = time.time()
        time.sleep(6)
        up_at = time.time()
        self.prometheus.start()
        wait_for("samples from the outage to arrive",
                 lambda: [t for t in self.example_timestamps() if t > up_at], 60)
        err = self.stop_vigil()

        stamps = self.example_timestamps()
        # Flushes from before Prometheus first started arrived...
        self.assertLess(stamps[0], vigil_started + 3, stamps)
        # ...and so did those of the outage: one per second, so no gap
        # longer than a couple of flushes (generous for a loaded machine).
        during = [t for t in stamps if down_at + 0.5 < t < up_at - 0.5]
        self.assertGreaterEqual(len(during), 2, stamps)
        self.assert_no_gap(stamps, 3.5)
        self.assertIn("retrying", err)
        self.assertNotIn("dropping", err)


if __name__ == "__main__":
    unittest.main()
