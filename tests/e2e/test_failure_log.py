#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A failing check in `vigil run`'s log, and `vigil check` running a check as
`vigil run` does (issue 17).

The log: a check's first failed run is one error line naming the instance
and the reason, its next failures are summarized every 5 minutes (the
reminders are tested in tests/scheduling/failure_log_test.cpp, on a manual
clock), and its first good run after that is one info line.
"""
import json
import os
import subprocess
import time
import unittest

from process_tree import stop
from test_cli import PYTHON_ENABLED, VIGIL, WRAPPER, Workspace, vigil

INTERVAL = 0.2  # seconds: many runs in a short test


class AgentWorkspace(Workspace):
    def setUp(self):
        super().setUp()
        self.config = os.path.join(self.tmp.name, "vigil.yaml")
        with open(self.config, "w") as f:
            f.write("hostname: e2e-host\nflush_interval: 1\ncheck_runners: 2\nlisten: off\n")

    def args(self):
        return ["-c", self.config, *self.folders()]

    def write_check(self, name, text):
        with open(os.path.join(self.plugins, name), "w") as f:
            f.write(text)

    def start_agent(self):
        return subprocess.Popen(WRAPPER + [VIGIL, *self.args(), "run"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run_agent(self, seconds):
        proc = self.start_agent()
        try:
            time.sleep(seconds)
        finally:
            out, err = stop(proc)
        self.assertEqual(proc.returncode, 0, err)
        return out, err

    def check_report(self, name):
        """`vigil check NAME --json`'s one instance: (id, status, error, report)."""
        proc = vigil(*self.args(), "check", name, "--json")
        report = json.loads(proc.stdout)
        self.assertEqual(len(report["instances"]), 1, proc.stdout)
        inst = report["instances"][0]
        return inst["id"], inst["status"], inst["error"], report

    def lines_about(self, err, instance_id):
        return [l for l in err.splitlines() if f"'{instance_id}'" in l]


class FailureLogTest(AgentWorkspace):
    def assert_logged_once(self, err, instance_id, error):
        """One error line for many failed runs, with `vigil check`'s error
        text (its first line) as the reason; returns it."""
        reason = error.splitlines()[0]
        lines = self.lines_about(err, instance_id)
        self.assertEqual(len(lines), 1, err)
        self.assertIn(" error [scheduler] ", lines[0])
        self.assertIn(f"check '{instance_id}' failed: {reason}; retrying every 200 ms, "
                      "further failures summarized every 5 min", lines[0])
        return lines[0]

    def test_native_run_error_is_logged_once(self):
        self.add_fixture("error_run_check")
        self.write_conf("fixture_error.yaml",
                        f"instances:\n  - min_collection_interval: {INTERVAL}\n")
        instance_id, status, error, _ = self.check_report("fixture_error")
        self.assertEqual((status, error), ("error", "fixture_error: run failed on purpose"))
        _, err = self.run_agent(3)  # ~15 failed runs
        self.assert_logged_once(err, instance_id, error)

    @unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
    def test_python_exception_is_logged_once_without_its_traceback(self):
        self.write_check("fails.py",
                         "from checks import AgentCheck\n"
                         "class Fails(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        raise ValueError('no such thing')\n")
        self.write_conf("fails.yaml", f"instances:\n  - min_collection_interval: {INTERVAL}\n")
        instance_id, status, error, _ = self.check_report("fails")
        self.assertEqual(status, "error")
        self.assertTrue(error.startswith("ValueError: no such thing\nTraceback"), error)
        _, err = self.run_agent(3)
        self.assert_logged_once(err, instance_id, error)
        # The traceback is for `vigil check`, /status and --log-level debug.
        self.assertNotIn("Traceback", err)

    def test_a_check_that_fails_then_recovers_logs_one_line_each(self):
        self.add_fixture("flaky_run_check")
        flag = os.path.join(self.tmp.name, "failing")
        open(flag, "w").close()
        self.write_conf("fixture_flaky.yaml",
                        f"instances:\n  - min_collection_interval: {INTERVAL}\n"
                        f"    fail_while_exists: {flag}\n")
        instance_id, status, _, _ = self.check_report("fixture_flaky")
        self.assertEqual(status, "error")
        proc = self.start_agent()
        try:
            time.sleep(2)
            os.unlink(flag)
            time.sleep(2)
        finally:
            out, err = stop(proc)
        self.assertEqual(proc.returncode, 0, err)
        metrics = [json.loads(l) for l in out.splitlines()]
        failed_runs = int(sum(m["value"] for m in metrics
                              if m.get("name") == "fixture.flaky.failed_runs"))
        self.assertGreaterEqual(failed_runs, 3, out)
        self.assertTrue([m for m in metrics if m.get("name") == "fixture.flaky.ok"], out)

        lines = self.lines_about(err, instance_id)
        self.assertEqual(len(lines), 2, err)
        self.assertIn(" error [scheduler] ", lines[0])
        self.assertIn(f"check '{instance_id}' failed: fixture_flaky: failing while the file "
                      "exists;", lines[0])
        self.assertIn(" info [scheduler] ", lines[1])
        self.assertIn(f"check '{instance_id}' recovered after {failed_runs} failed runs over ",
                      lines[1])


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class CheckRunAgreementTest(AgentWorkspace):
    """`vigil check` runs a check on a runner thread, as `vigil run` does, so
    a check that works only on the main thread fails in both."""

    def test_signal_handler_in_a_check_fails_in_check_and_run_alike(self):
        self.write_check("sig.py",
                         "import signal, threading\n"
                         "from checks import AgentCheck\n"
                         "class Sig(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        main = threading.current_thread() is threading.main_thread()\n"
                         "        self.gauge('sig.main_thread', int(main))\n"
                         "        signal.signal(signal.SIGUSR1, lambda *args: None)\n"
                         "        self.gauge('sig.installed', 1)\n")
        instance_id, status, error, report = self.check_report("sig")
        # The runner-thread behaviour, not the main thread's.
        self.assertEqual(status, "error", report)
        self.assertIn("ValueError: signal only works in main thread", error)
        values = {m["name"]: m["value"] for m in report["metrics"]}
        self.assertEqual(values, {"sig.main_thread": 0}, report)

        proc = vigil(*self.args(), "run", "--once", check=True)
        values = {m["name"]: m["value"] for m in map(json.loads, proc.stdout.splitlines())
                  if m.get("kind") == "metric"}
        self.assertEqual(values, {"sig.main_thread": 0}, proc.stdout)
        # The same error text as `vigil check` showed.
        lines = self.lines_about(proc.stderr, instance_id)
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn(f"check '{instance_id}' failed: {error.splitlines()[0]};", lines[0])


if __name__ == "__main__":
    unittest.main()
