#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of the agent's HTTP server: /metrics, /status and `vigil status`.

Each test starts `vigil run` on a free loopback port with its own run_dir and stops it,
also on failure.  The agent runs the bundled checks (the build tree's defaults), so the
promtool test sees what a real deployment exposes.  Run a class by name:
    test_http.py -v MetricsTest
PromtoolTest exits 77 (meson's "skipped") when promtool is not installed.
"""
import json
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

VIGIL = os.environ["VIGIL"]
WRAPPER = shlex.split(os.environ.get("VIGIL_EXE_WRAPPER", ""))
BUILD = os.environ["VIGIL_BUILD_ROOT"]
PYTHON_ENABLED = os.environ.get("VIGIL_PYTHON_ENABLED") == "1"
TLS_ENABLED = os.environ.get("VIGIL_TLS_ENABLED") == "1"
# Under qemu everything is slower; the bounds only cap a broken run.
START_TIMEOUT = 90 if WRAPPER else 30


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vigil(*args, timeout=60):
    return subprocess.run(WRAPPER + [VIGIL, *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def http_get(url, token=None, timeout=10):
    """(status, content type, body) of a GET; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.headers.get("Content-Type", ""), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_exposition(text):
    """{(name, labels tuple): value}, asserting the rules promtool does not check."""
    series = {}
    help_seen, type_seen, families_done = set(), {}, set()
    current = None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert name not in help_seen, f"second HELP for {name}"
            help_seen.add(name)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in type_seen, f"second TYPE for {name}"
            type_seen[name] = kind
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name = m.group(1)
        if name != current:
            assert name not in families_done, f"family {name} is split"
            if current:
                families_done.add(current)
            current = name
        labels = tuple((k, v) for k, v, _ in LABEL.findall(m.group(3) or ""))
        key = (name, labels)
        assert key not in series, f"duplicate series {key}"
        assert name in type_seen and name in help_seen, f"{name} has no HELP/TYPE"
        series[key] = float(m.group(4))
    return series, type_seen


class Agent:
    """`vigil run` with listen on a free port and its own run_dir; stop() is idempotent."""

    def __init__(self, tmp, extra_config="", args=(), port=None, listen=None):
        self.port = port or free_port()
        listen = listen or f"127.0.0.1:{self.port}"
        self.run_dir = os.path.join(tmp, "run")
        self.config = os.path.join(tmp, "vigil.yaml")
        with open(self.config, "w") as f:
            f.write(f"listen: {listen}\nrun_dir: {self.run_dir}\n"
                    "flush_interval: 1\nhostname: e2e-host\noutput: none\n" + extra_config)
        self.stderr_path = os.path.join(tmp, "agent.stderr")
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(WRAPPER + [VIGIL, "-c", self.config, "run", *args],
                                     stdout=subprocess.DEVNULL, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def wait_for(self, predicate, what, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"agent exited {self.proc.returncode} while waiting "
                                     f"for {what}: {self.log()}")
            try:
                if predicate():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}: {self.log()}")

    def metrics(self):
        return http_get(self.url + "/metrics")[2]

    def wait_for_metric(self, fragment):
        self.wait_for(lambda: fragment in self.metrics(), f"{fragment!r} in /metrics")

    def run_file(self):
        with open(os.path.join(self.run_dir, "agent.json")) as f:
            return json.load(f)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        return self.proc.returncode


class AgentTest(unittest.TestCase):
    extra_config = ""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="vigil-http-")
        self.addCleanup(self.tmp.cleanup)
        self.agent = Agent(self.tmp.name, self.extra_config)
        self.addCleanup(self.agent.stop)
        # The bundled example check's gauge, and a health counter after a run.
        self.agent.wait_for_metric('example_value{')
        self.agent.wait_for_metric('vigil_check_runs_total{check="example"')


class MetricsTest(AgentTest):
    def test_scrape_has_check_and_health_metrics(self):
        status, ctype, text = http_get(self.agent.url + "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("version=0.0.4", ctype)
        series, types = parse_exposition(text)
        example = {labels: v for (name, labels), v in series.items() if name == "example_value"}
        self.assertEqual(list(example.values()), [42.0], example)
        self.assertEqual(dict(next(iter(example))),
                         {"env": "demo", "role": "example", "host": "e2e-host"})
        self.assertEqual(types["vigil_check_runs_total"], "counter")
        runs = {dict(l)["check"]: v for (n, l), v in series.items()
                if n == "vigil_check_runs_total"}
        self.assertGreaterEqual(runs["example"], 1)
        info = [dict(l) for (n, l), v in series.items() if n == "vigil_build_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["python"], "true" if PYTHON_ENABLED else "false")
        self.assertTrue(info[0]["version"])
        loaded = [v for (n, l), v in series.items() if n == "vigil_plugins_loaded"]
        self.assertGreaterEqual(loaded[0], 1)

    def test_counters_only_go_up_between_scrapes(self):
        first, _ = parse_exposition(self.agent.metrics())
        key = next(k for k in first if k[0] == "vigil_check_runs_total"
                   and dict(k[1])["check"] == "example")
        # example runs every 10 s; wait for its second run.
        self.agent.wait_for(lambda: parse_exposition(self.agent.metrics())[0].get(key, 0)
                            > first[key], "a second run of example", timeout=40)
        for name_key, value in parse_exposition(self.agent.metrics())[0].items():
            if name_key in first and name_key[0].endswith("_total"):
                self.assertGreaterEqual(value, first[name_key], name_key)

    def test_unknown_path_is_404(self):
        self.assertEqual(http_get(self.agent.url + "/nope")[0], 404)


class StatusTest(AgentTest):
    def test_run_file_is_private_and_names_the_address(self):
        path = os.path.join(self.agent.run_dir, "agent.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        info = self.agent.run_file()
        self.assertEqual(info["address"], f"127.0.0.1:{self.agent.port}")
        self.assertEqual(len(info["token"]), 64)

    def test_status_needs_the_token(self):
        url = self.agent.url + "/status"
        self.assertEqual(http_get(url)[0], 401)
        self.assertEqual(http_get(url, token="wrong")[0], 401)
        token = self.agent.run_file()["token"]
        self.assertEqual(http_get(url, token=token[:-1] + "x")[0], 401)
        status, ctype, body = http_get(url, token=token)
        self.assertEqual(status, 200)
        self.assertIn("application/json", ctype)
        report = json.loads(body)
        self.assertEqual(report["hostname"], "e2e-host")
        self.assertEqual(report["features"]["python"], PYTHON_ENABLED)
        self.assertEqual(report["features"]["tls"], TLS_ENABLED)
        self.assertGreaterEqual(report["uptime_seconds"], 0)
        example = next(c for c in report["checks"] if c["name"] == "example")
        inst = example["instances"][0]
        self.assertTrue(inst["id"].startswith("example:first:"))
        self.assertGreaterEqual(inst["runs"], 1)
        self.assertGreaterEqual(inst["samples"], 1)
        self.assertEqual(inst["errors"], 0)
        self.assertIsNotNone(inst["next_run_in_seconds"])
        self.assertIn("prometheus", [o.get("type") for o in report["outputs"]])

    def test_vigil_status_prints_every_check_and_json(self):
        proc = vigil("status", "--run-dir", self.agent.run_dir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Checks (", proc.stdout)
        self.assertIn("example:first:", proc.stdout)
        self.assertIn(f"listening on 127.0.0.1:{self.agent.port}", proc.stdout)
        # The config file leads to the same run_dir.
        proc = vigil("-c", self.agent.config, "status", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertIn("example", [c["name"] for c in report["checks"]])

    def test_vigil_status_without_agent_fails(self):
        run_dir = self.agent.run_dir
        self.assertEqual(self.agent.stop(), 0)
        # A clean stop removes agent.json.
        self.assertFalse(os.path.exists(os.path.join(run_dir, "agent.json")))
        proc = vigil("status", "--run-dir", run_dir)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no agent is running", proc.stderr)
        # A stale file (agent killed) is reported as such, not as a hang.
        with open(os.path.join(run_dir, "agent.json"), "w") as f:
            json.dump({"address": f"127.0.0.1:{free_port()}", "token": "x"}, f)
        proc = vigil("status", "--run-dir", run_dir)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no agent is running at", proc.stderr)


class ListenTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="vigil-http-")
        self.addCleanup(self.tmp.cleanup)

    def test_port_in_use_is_an_error_and_checks_keep_running(self):
        blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(blocker.close)
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        agent = Agent(self.tmp.name, port=port)
        self.addCleanup(agent.stop)
        agent.wait_for(lambda: "cannot listen on" in agent.log(), "the bind error")
        self.assertIn(f"127.0.0.1:{port}", agent.log())
        time.sleep(1.5)
        self.assertIsNone(agent.proc.poll(), "the agent must keep running")
        self.assertFalse(os.path.exists(os.path.join(agent.run_dir, "agent.json")))
        self.assertEqual(agent.stop(), 0)

    def test_listen_off_starts_no_server(self):
        agent = Agent(self.tmp.name, listen="off")
        self.addCleanup(agent.stop)
        time.sleep(2)
        self.assertIsNone(agent.proc.poll(), agent.log())
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", agent.port), timeout=2).close()
        self.assertFalse(os.path.exists(os.path.join(agent.run_dir, "agent.json")))
        self.assertEqual(agent.stop(), 0, agent.log())
        self.assertNotIn("listening on", agent.log())

    def test_bad_listen_value_names_the_file(self):
        cfg = os.path.join(self.tmp.name, "vigil.yaml")
        with open(cfg, "w") as f:
            f.write("listen: 127.0.0.1:99999\n")
        proc = vigil("-c", cfg, "run", "--once")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("vigil.yaml", proc.stderr)
        self.assertIn("listen", proc.stderr)


class PromtoolTest(AgentTest):
    def test_promtool_finds_no_error_and_no_lint_warning(self):
        # Wait until every bundled check has run once, so the scrape has all of them.
        def all_ran():
            series, _ = parse_exposition(self.agent.metrics())
            runs = [v for (n, l), v in series.items() if n == "vigil_check_runs_total"]
            return runs and min(runs) >= 1
        self.agent.wait_for(all_ran, "every bundled check's first run", timeout=60)
        text = self.agent.metrics()
        proc = subprocess.run(["promtool", "check", "metrics"], input=text,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0,
                         f"promtool: {proc.stdout}{proc.stderr}\n--- scrape ---\n{text}")
        self.assertEqual(proc.stdout + proc.stderr, "")
        self.assertGreater(len(text.splitlines()), 20)


if __name__ == "__main__":
    if "PromtoolTest" in sys.argv and shutil.which("promtool") is None:
        print("promtool not installed (Debian package prometheus), skipping")
        sys.exit(77)
    unittest.main()
