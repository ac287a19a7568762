#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end: the nagios check in the real `vigil`, running the real
Monitoring Plugins (monitoring-plugins-basic, host binaries even in a cross
build: the emulated agent execs them natively) and the fixture scripts in
tests/data/nagios/.

CheckTest runs `vigil check nagios` on a temporary conf.d, in the agent and
in an isolation worker; UnconfiguredTest runs it without one; RunTest runs `vigil run` for a few seconds and
watches that no finished plugin is left a zombie of the agent.  Exits 77
(skipped) when the plugins are not installed.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from process_tree import children_of, stop  # noqa: E402

PLUGINS = "/usr/lib/nagios/plugins"
if not os.access(os.path.join(PLUGINS, "check_dummy"), os.X_OK):
    print("monitoring-plugins-basic not installed, skipping")
    sys.exit(77)

VIGIL = os.environ["VIGIL"]
WRAPPER = shlex.split(os.environ.get("VIGIL_EXE_WRAPPER", ""))
NAGIOS_SO = os.path.join(os.environ["VIGIL_BUILD_ROOT"], "native_checks", "nagios.so")
DATA = os.path.join(os.environ["VIGIL_SOURCE_ROOT"], "tests", "data", "nagios")

CONF = f"""\
instances:
  - command: [{PLUGINS}/check_dummy, 2, "disk on fire"]
  - command: [check_dummy, 1, "isolated"]
    name: isolated_dummy
    env: {{PATH: {PLUGINS}}}
    isolation: process
  - command: [{PLUGINS}/check_load, -w, "1000,1000,1000", -c, "2000,2000,2000"]
    thresholds: true
    tags: ["team:ops"]
  - command: [{DATA}/hang.sh]
    timeout: 1
  - command: [{DATA}/hang.sh]
    name: isolated_hang
    timeout: 3
    isolation: process
  - command: "echo 'bye'; kill -TERM $$"
    shell: true
    name: term
  - command: "check_load -w 5"
"""


def vigil(*args, timeout=60):
    return subprocess.run(WRAPPER + [VIGIL, *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


class Workspace(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="vigil-e2e-nagios-")
        self.addCleanup(self.tmp.cleanup)
        self.plugins = os.path.join(self.tmp.name, "plugins")
        self.confd = os.path.join(self.tmp.name, "conf.d")
        os.mkdir(self.plugins)
        os.mkdir(self.confd)
        shutil.copy(NAGIOS_SO, self.plugins)

    def write_conf(self, text):
        with open(os.path.join(self.confd, "nagios.yaml"), "w") as f:
            f.write(text)

    def folders(self):
        return ["--plugins", self.plugins, "--conf-d", self.confd]


class CheckTest(Workspace):
    def test_states_metrics_timeouts_and_mistakes(self):
        if WRAPPER:
            # Workers cannot be spawned under a user-mode emulator
            # (test_isolation.py): the isolated instances are left out.
            self.skipTest("isolation: process needs workers, which qemu-user cannot spawn")
        self.write_conf(CONF)
        proc = vigil("check", "nagios", "--json", *self.folders())
        self.assertEqual(proc.returncode, 1, proc.stderr)  # the broken instance
        report = json.loads(proc.stdout)
        statuses = sorted(i["status"] for i in report["instances"])
        self.assertEqual(statuses, ["error"] + ["ok"] * 6, report["instances"])
        errors = [i["error"] for i in report["instances"] if i["error"]]
        self.assertEqual(errors, ["create() failed: option 'command' is a string: use a list "
                                  "of arguments (command: [check_x, -w, '5']), or set shell: "
                                  "true to run it with /bin/sh -c"])

        checks = {c["name"]: c for c in report["service_checks"]}
        self.assertEqual(sorted(checks), ["nagios.check_dummy", "nagios.check_load",
                                          "nagios.hang", "nagios.isolated_dummy",
                                          "nagios.isolated_hang", "nagios.term"])
        expected = {
            "nagios.check_dummy": ("CRITICAL", "CRITICAL: disk on fire"),
            "nagios.isolated_dummy": ("WARNING", "WARNING: isolated"),
            "nagios.hang": ("UNKNOWN", "timed out after 1 s"),
            # The check's own deadline comes before the worker's hard timeout.
            "nagios.isolated_hang": ("UNKNOWN", "timed out after 3 s"),
            # The runner blocks SIGTERM; the plugin must not inherit that.
            "nagios.term": ("UNKNOWN", "killed by signal 15 (SIGTERM): bye"),
        }
        for name, (status, message) in expected.items():
            self.assertEqual((checks[name]["status"], checks[name]["message"]),
                             (status, message), name)
        self.assertEqual(checks["nagios.check_load"]["status"], "OK")
        self.assertEqual(checks["nagios.check_load"]["tags"], ["team:ops"])

        load = {(m["name"], tuple(m["tags"])): m["value"] for m in report["metrics"]}
        for label in ("load1", "load5", "load15"):
            tags = (f"perfdata:{label}", "team:ops")
            self.assertGreaterEqual(load[("nagios.check_load.value", tags)], 0)
            self.assertEqual(load[("nagios.check_load.value.warn_high", tags)], 1000)
            self.assertEqual(load[("nagios.check_load.value.crit_high", tags)], 2000)

    def test_text_output_names_the_service_checks(self):
        self.write_conf(f"instances:\n  - command: [{PLUGINS}/check_dummy, 0, fine]\n")
        proc = vigil("check", "nagios", *self.folders())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"nagios\.check_dummy\s+OK\s+\[\] OK: fine")


class UnconfiguredTest(Workspace):
    """Without conf.d/nagios.yaml there is nothing to run (VIGIL_CHECK_NEEDS_CONFIG):
    the agent schedules nothing for it and logs no error, and `vigil check`
    names the file to write."""

    def test_no_file_is_no_instance_and_no_error(self):
        run = vigil("run", "--once", "--output", "json", *self.folders())
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("error", run.stderr)
        self.assertNotIn("nagios", run.stdout)
        check = vigil("check", "nagios", *self.folders())
        self.assertEqual(check.returncode, 1)
        self.assertIn("has nothing to run without a configuration: write "
                      + os.path.join(self.confd, "nagios.yaml"), check.stderr)


class RunTest(Workspace):
    def test_agent_runs_plugins_without_leaving_zombies(self):
        self.write_conf(f"""\
instances:
  - command: [{PLUGINS}/check_dummy, 0, "all good | x=1"]
    min_collection_interval: 0.5
  - command: [{DATA}/outlive.sh]
    timeout: 0.5
    min_collection_interval: 1
""")
        config = os.path.join(self.tmp.name, "vigil.yaml")
        with open(config, "w") as f:
            f.write("flush_interval: 1\nhostname: e2e-host\n")
        proc = subprocess.Popen(WRAPPER + [VIGIL, "-c", config, "run", *self.folders()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # A finished plugin may be a zombie for the instant before the check
            # reaps it; one seen twice, 0.3 s apart, was left behind.
            seen, leaked = set(), set()
            end = time.monotonic() + 4
            while time.monotonic() < end and proc.poll() is None:
                zombies = {pid for pid in children_of(proc.pid) if state(pid) == "Z"}
                leaked |= zombies & seen
                seen = zombies
                time.sleep(0.3)
        finally:
            out, err = stop(proc)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(leaked, set())
        lines = [json.loads(line) for line in out.splitlines()]
        dummy = [l for l in lines if l["kind"] == "service_check"
                 and l["name"] == "nagios.check_dummy"]
        self.assertGreaterEqual(len(dummy), 2, out)
        self.assertEqual({(l["status"], l["message"]) for l in dummy}, {("OK", "OK: all good")})
        outlive = [l for l in lines if l["kind"] == "service_check"
                   and l["name"] == "nagios.outlive"]
        self.assertTrue(outlive, out)
        self.assertEqual({l["message"] for l in outlive}, {"OK - left a child behind"})
        self.assertIn("kept its output open until the 0.5 s deadline", err)


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2:].split()[0]


if __name__ == "__main__":
    unittest.main()
