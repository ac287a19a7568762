#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of check isolation (docs/isolation.md, issue 6).

Each misbehaving fixture (tests/data/isolation/misbehaving_check.c) runs with
`isolation: process`; the tests assert its status, its message, how long it
took to detect, that the agent lives on, that a healthy check beside it
missed no run, and that no worker process outlives the agent.

Workers are the vigil binary itself started with posix_spawn; under a user-mode
emulator (cross builds) a spawned aarch64 binary cannot run, so these tests
skip there.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest
import urllib.request

from process_tree import children_of, is_vigil_worker, stop
from test_cli import VIGIL, WRAPPER, Workspace, vigil

FIXTURES = os.environ["VIGIL_ISOLATION_FIXTURES"]
KILL_GRACE = 0.5  # WorkerPoolOptions::kill_grace


@unittest.skipIf(WRAPPER, "workers cannot be spawned under a user-mode emulator")
class IsolationWorkspace(Workspace):
    def setUp(self):
        super().setUp()
        self.config = os.path.join(self.tmp.name, "vigil.yaml")
        self.write_agent_config("")

    def write_agent_config(self, text, listen="off"):
        with open(self.config, "w") as f:
            f.write("hostname: e2e-host\nflush_interval: 1\ncheck_runners: 2\n"
                    f"listen: {listen}\n" + text)

    def add_check(self, name, instance="isolation: process\n    vigil_timeout: 1\n"):
        shutil.copy(os.path.join(FIXTURES, name + ".so"), self.plugins)
        with open(os.path.join(self.confd, name + ".yaml"), "w") as f:
            f.write("instances:\n  - " + instance)

    def args(self):
        return ["-c", self.config, *self.folders()]

    def run_agent(self, seconds):
        """`vigil run` for `seconds`, then SIGTERM: (process, stdout, stderr,
        pids of the workers seen)."""
        proc = subprocess.Popen(WRAPPER + [VIGIL, *self.args(), "run"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        workers = set()
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                workers.update(p for p in children_of(proc.pid) if is_vigil_worker(p))
                time.sleep(0.05)
        finally:
            out, err = stop(proc)
        return proc, out, err, workers

    def list_rows(self):
        proc = vigil(*self.args(), "list", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return {r["name"]: r for r in json.loads(proc.stdout)}

    def check(self, name):
        """`vigil check NAME --json`: (instance report, seconds it took, process)."""
        start = time.monotonic()
        proc = vigil(*self.args(), "check", name, "--json")
        took = time.monotonic() - start
        report = json.loads(proc.stdout)
        self.assertEqual(len(report["instances"]), 1, proc.stdout)
        return report["instances"][0], took, proc


class NativeFixtureTest(IsolationWorkspace):
    def assert_crashed(self, name, *words):
        self.add_check(name)
        result, took, proc = self.check(name)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(result["status"], "crashed", result)
        for word in words:
            self.assertIn(word, result["error"])
        # A crash is seen when it happens: no waiting for the 1 s timeout.
        self.assertLess(took, 1 + KILL_GRACE + 5, result)
        return result

    def test_healthy_check_runs_in_a_worker(self):
        self.add_check("iso_healthy")
        result, _, proc = self.check("iso_healthy")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        names = {m["name"] for m in report["metrics"]}
        self.assertIn("isolation.fixture.runs", names, report)

    def test_busy_loop_times_out_and_is_killed(self):
        self.add_check("iso_busy_loop")
        result, took, proc = self.check("iso_busy_loop")
        self.assertEqual(result["status"], "timeout", result)
        self.assertIn("1 s timeout", result["error"])
        self.assertIn("killed", result["error"])
        # timeout + grace + < 1 s, with a generous margin for a loaded CI.
        self.assertGreaterEqual(took, 1.0)
        self.assertLess(took, 1 + KILL_GRACE + 1 + 3, result)

    def test_segfault_is_contained(self):
        result = self.assert_crashed("iso_segfault", "signal 11")
        self.assertIn("about to dereference NULL", result["error"])

    def test_abort_is_contained(self):
        result = self.assert_crashed("iso_abort", "signal 6")
        self.assertIn("calling abort()", result["error"])

    def test_exit_is_contained(self):
        self.assert_crashed("iso_exit", "exited with status 3")

    def test_stack_overflow_is_contained(self):
        self.assert_crashed("iso_stack_overflow", "signal 11")

    def test_big_allocation_hits_the_worker_limit(self):
        self.write_agent_config("worker_max_vm_mb: 512\n")
        result = self.assert_crashed("iso_big_allocation", "signal 6")
        self.assertIn("malloc of 1 GB failed", result["error"])

    def test_in_process_check_is_unchanged(self):
        self.add_check("iso_healthy", instance="isolation: none\n")
        result, _, proc = self.check("iso_healthy")
        self.assertEqual(result["status"], "ok", result)

    def test_agent_default_isolation_applies(self):
        self.write_agent_config("isolation: process\ndefault_timeout: 1\n")
        self.add_check("iso_segfault", instance="{}\n")
        result, _, _ = self.check("iso_segfault")
        self.assertEqual(result["status"], "crashed", result)


class ListNoteTest(IsolationWorkspace):
    def test_list_notes_an_unenforceable_timeout_only(self):
        self.add_check("iso_healthy", instance="isolation: none\n    vigil_timeout: 2\n")
        self.add_check("iso_slow")  # isolated: its timeout is enforced, no note
        proc = vigil(*self.args(), "list", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = {r["name"]: r for r in json.loads(proc.stdout)}
        self.assertEqual(len(rows["iso_healthy"]["notes"]), 1, rows["iso_healthy"])
        self.assertIn("cannot be stopped", rows["iso_healthy"]["notes"][0])
        self.assertIn("isolation: process", rows["iso_healthy"]["notes"][0])
        self.assertEqual(rows["iso_slow"]["notes"], [])


class AgentContainmentTest(IsolationWorkspace):
    """`vigil run` with a misbehaving check beside a healthy one."""

    def test_crashing_and_hanging_checks_leave_the_healthy_one_on_schedule(self):
        self.write_agent_config("quarantine_after: 0\n")
        self.add_check("iso_healthy",
                       instance="isolation: process\n    min_collection_interval: 1\n")
        self.add_check("iso_segfault",
                       instance="isolation: process\n    min_collection_interval: 1\n")
        self.add_check("iso_busy_loop",
                       instance="isolation: process\n    min_collection_interval: 1\n"
                                "    vigil_timeout: 0.5\n")
        window = 6
        proc, out, err, workers = self.run_agent(window)
        self.assertEqual(proc.returncode, 0, err)
        lines = [json.loads(l) for l in out.splitlines()]
        healthy_runs = sum(l["value"] for l in lines
                           if l.get("name") == "isolation.fixture.runs")
        # One run a second from a first run within the first second: the
        # window holds at least window - 1 runs whatever the phase.
        self.assertGreaterEqual(healthy_runs, window - 1, err)
        self.assertIn("killed by signal 11", err)
        self.assertIn("timeout", err)
        self.assertTrue(workers, "no worker process was ever seen")
        # No worker survives the agent, as a zombie or an orphan.
        time.sleep(0.2)
        survivors = [p for p in workers if is_vigil_worker(p)]
        self.assertEqual(survivors, [], f"workers left after the agent exited: {survivors}")

    def test_quarantine_after_repeated_crashes(self):
        self.write_agent_config("quarantine_after: 2\nquarantine_max_backoff: 60\n")
        self.add_check("iso_segfault",
                       instance="isolation: process\n    min_collection_interval: 1\n")
        proc, out, err, _ = self.run_agent(4)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("quarantined", err)
        self.assertIn("crashed 2 times in a row", err)
        # Quarantined for at least an interval: not run on every tick.
        self.assertLess(err.count("killed by signal 11"), 4 * 2, err)


class LoadTimeCrashTest(IsolationWorkspace):
    """iso_static_constructor aborts in a static constructor, when loaded.
    Isolated, it is loaded only in workers (a probe at start, then the
    workers that run it); in the agent (`isolation: none`) it would take the
    agent down, which docs/isolation.md says and no test provokes."""

    def assert_load_crash(self, row):
        self.assertEqual(row["state"], "error", row)
        self.assertIn("crashed while loading: worker", row["error"])
        self.assertIn("killed by signal 6 (SIGABRT", row["error"])
        self.assertIn("crashing in a static constructor", row["error"])

    def test_agent_wide_isolation_lists_the_crash_as_the_reason(self):
        self.write_agent_config("isolation: process\n")
        self.add_check("iso_static_constructor", instance="{}\n")
        self.add_check("iso_healthy", instance="{}\n")
        rows = self.list_rows()
        self.assert_load_crash(rows["iso_static_constructor"])
        self.assertEqual(rows["iso_healthy"]["state"], "ok", rows["iso_healthy"])
        self.assertEqual(rows["iso_healthy"]["version"], "1.0")
        self.assertEqual(rows["iso_healthy"]["instances"], 1)
        text = vigil(*self.args(), "list")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("reason: crashed while loading", text.stdout)

    def test_per_check_isolation_is_enough(self):
        # The agent's default is `none`; conf.d/iso_static_constructor.yaml
        # alone asks for a worker.
        self.add_check("iso_static_constructor", instance="isolation: process\n")
        self.add_check("iso_healthy", instance="isolation: none\n")
        rows = self.list_rows()
        self.assert_load_crash(rows["iso_static_constructor"])
        self.assertEqual(rows["iso_healthy"]["state"], "ok", rows["iso_healthy"])
        result, _, proc = self.check("iso_healthy")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_probed_check_runs_in_its_worker(self):
        # Loaded only in workers, never in `vigil check`'s own process.
        self.write_agent_config("isolation: process\n")
        self.add_check("iso_healthy", instance="{}\n")
        result, _, proc = self.check("iso_healthy")
        self.assertEqual(result["status"], "ok", result)
        names = {m["name"] for m in json.loads(proc.stdout)["metrics"]}
        self.assertIn("isolation.fixture.runs", names)

    def test_a_check_with_an_in_process_instance_loads_in_the_agent(self):
        # One instance in the agent needs the library there: no probe, the
        # fast path, and both instances run.
        self.write_agent_config("isolation: process\n")
        self.add_check("iso_healthy", instance="isolation: none\n  - name: isolated\n")
        rows = self.list_rows()
        self.assertEqual(rows["iso_healthy"]["isolation"], "mixed", rows["iso_healthy"])
        self.assertEqual(rows["iso_healthy"]["instances"], 2)
        proc = vigil(*self.args(), "check", "iso_healthy", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        statuses = [i["status"] for i in json.loads(proc.stdout)["instances"]]
        self.assertEqual(statuses, ["ok", "ok"], proc.stdout)

    def test_agent_runs_on_beside_a_crashing_constructor(self):
        self.write_agent_config("isolation: process\n")
        self.add_check("iso_static_constructor", instance="{}\n")
        self.add_check("iso_healthy", instance="min_collection_interval: 1\n")
        window = 5
        proc, out, err, _ = self.run_agent(window)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("iso_static_constructor.so", err)
        self.assertIn("crashed while loading", err)
        lines = [json.loads(l) for l in out.splitlines()]
        healthy_runs = sum(l["value"] for l in lines
                           if l.get("name") == "isolation.fixture.runs")
        # One run a second; start-up (two probe workers) may eat into the
        # first second, the window still holds window - 2 runs at least.
        self.assertGreaterEqual(healthy_runs, window - 2, err)


class QuarantineStatusTest(IsolationWorkspace):
    """A check that always crashes, quarantined after 2 crashes, as the
    running agent reports it: /status, `vigil status`, `vigil list` and
    /metrics."""

    def setUp(self):
        super().setUp()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.run_dir = os.path.join(self.tmp.name, "run")
        self.write_agent_config(f"run_dir: {self.run_dir}\nquarantine_after: 2\n"
                                "quarantine_max_backoff: 60\n",
                                listen=f"127.0.0.1:{self.port}")
        self.add_check("iso_segfault",
                       instance="isolation: process\n    min_collection_interval: 1\n")
        self.add_check("iso_healthy",
                       instance="isolation: none\n    min_collection_interval: 1\n")
        self.agent = subprocess.Popen(WRAPPER + [VIGIL, *self.args(), "run"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)

    def tearDown(self):
        if self.agent.poll() is None:
            self.agent.send_signal(signal.SIGTERM)
        try:
            self.agent.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.agent.kill()
            self.agent.communicate()
        super().tearDown()

    def instances(self):
        """/status instances by check name, through `vigil status --json`."""
        proc = vigil("status", "--json", "--run-dir", self.run_dir)
        if proc.returncode != 0:
            return {}
        return {c["name"]: c["instances"][0] for c in json.loads(proc.stdout)["checks"]
                if c["instances"]}

    def wait_for_quarantine(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            instances = self.instances()
            if instances.get("iso_segfault", {}).get("quarantined"):
                return instances
            self.assertIsNone(self.agent.poll(), "the agent exited")
            time.sleep(0.2)
        self.fail(f"never quarantined: {self.instances()}")

    def test_status_list_and_metrics_show_the_quarantine(self):
        instances = self.wait_for_quarantine()
        held, fine = instances["iso_segfault"], instances["iso_healthy"]
        self.assertEqual(held["isolation"], "process")
        self.assertEqual(held["timeout_seconds"], 1.0)  # the interval
        self.assertIn("crashed 2 times in a row", held["quarantine_reason"])
        self.assertIn("killed by signal 11 (SIGSEGV", held["quarantine_reason"])
        self.assertGreaterEqual(held["crashes"], 2)
        self.assertGreaterEqual(held["consecutive_failures"], 2)
        self.assertRegex(held["quarantined_until"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertGreater(held["quarantine_ends_in_seconds"], 0)
        self.assertEqual(fine["isolation"], "none")
        self.assertIsNone(fine["timeout_seconds"])
        self.assertFalse(fine["quarantined"])
        self.assertIsNone(fine["quarantine_reason"])
        self.assertIsNone(fine["quarantined_until"])

        # Quarantines last 1, 2, 4 s...: read the rest while it holds, and
        # accept a moment between two quarantines by retrying.
        for _ in range(20):
            text = vigil("status", "--run-dir", self.run_dir)
            self.assertEqual(text.returncode, 0, text.stderr)
            if "[QUARANTINED]" in text.stdout:
                break
            time.sleep(0.2)
        self.assertIn("[QUARANTINED]", text.stdout)
        self.assertIn("quarantined until ", text.stdout)
        self.assertIn("crashed 2 times in a row", text.stdout)
        self.assertIn("isolation: process, killed after 1.0 s", text.stdout)
        self.assertIn("isolation: none (runs in the agent process)", text.stdout)

        for _ in range(20):
            rows = self.list_rows()
            runtime = rows["iso_segfault"]["runtime"]
            self.assertIsNotNone(runtime, rows["iso_segfault"])
            if runtime["instances"][0]["quarantined"]:
                break
            time.sleep(0.2)
        self.assertTrue(runtime["instances"][0]["quarantined"], runtime)
        self.assertIn("crashed 2 times in a row", runtime["instances"][0]["quarantine_reason"])
        self.assertEqual(rows["iso_segfault"]["isolation"], "process")
        self.assertEqual(rows["iso_healthy"]["isolation"], "none")
        self.assertFalse(rows["iso_healthy"]["runtime"]["instances"][0]["quarantined"])

        # Health metrics are refreshed at each flush (every second here) and
        # quarantines grow (1, 2, 4 s...): one flush soon lands inside one.
        deadline = time.monotonic() + 20
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics",
                                        timeout=10) as res:
                metrics = res.read().decode()
            quarantined = {line.split("{")[1].split('"')[1]: line.rsplit(" ", 1)[1]
                           for line in metrics.splitlines()
                           if line.startswith("vigil_check_quarantined{")}
            if quarantined.get("iso_segfault") == "1" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(quarantined.get("iso_segfault"), "1", metrics)
        self.assertEqual(quarantined.get("iso_healthy"), "0", metrics)
        self.assertRegex(metrics, r'vigil_check_crashes_total\{check="iso_segfault"[^}]*\} [1-9]')

    def test_list_without_an_agent_has_no_runtime_state(self):
        self.agent.send_signal(signal.SIGTERM)
        self.agent.communicate(timeout=30)
        rows = self.list_rows()
        self.assertIsNone(rows["iso_segfault"]["runtime"])
        self.assertEqual(rows["iso_segfault"]["isolation"], "process")


if __name__ == "__main__":
    unittest.main()
