#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Python checks on the agent's worker pool: checks blocked in sleep overlap,
a native check keeps its schedule while Python holds the GIL, and SIGTERM
ends `vigil run` on time even with Python checks stuck for good.

Timing assertions here are deliberately loose (the CI machine has 2 shared
cores); each one separates "works" from "serialised" or "hangs" by a wide
margin.
"""
import json
import os
import subprocess
import time
import unittest

from process_tree import stop
from test_cli import PYTHON_ENABLED, VIGIL, WRAPPER, Workspace, vigil

SLEEPER = ("import time\n"
           "from vigil import AgentCheck\n"
           "class Sleeper(AgentCheck):\n"
           "    def check(self, instance):\n"
           "        time.sleep(instance.get('seconds', 1))\n"
           "        self.gauge('sleeper.done', 1, tags=['check:' + self.name])\n")

# Holds the GIL without a break: sum() over a range runs in C and no other
# Python thread asks for the GIL meanwhile.  `seconds` < 0 means forever.
GIL_HOG = ("import time\n"
           "from vigil import AgentCheck\n"
           "class GilHog(AgentCheck):\n"
           "    def check(self, instance):\n"
           "        self.gauge('hog.started', time.time())\n"
           "        seconds = instance['seconds']\n"
           "        if seconds < 0:\n"
           "            sum(range(10 ** 15))\n"
           "        end = time.monotonic() + seconds\n"
           "        while time.monotonic() < end:\n"
           "            sum(range(10 ** 6))\n"
           "        self.gauge('hog.finished', time.time())\n")

STUCK_SLEEP = ("import time\n"
               "from vigil import AgentCheck\n"
               "class StuckSleep(AgentCheck):\n"
               "    def check(self, instance):\n"
               "        time.sleep(1e9)\n")

STUCK_PAUSE = ("import signal\n"
               "from vigil import AgentCheck\n"
               "class StuckPause(AgentCheck):\n"
               "    def check(self, instance):\n"
               "        signal.pause()\n")

# Says it started (tagged with its instance's `n`), then holds its runner.
BLOCKER = ("import time\n"
           "from vigil import AgentCheck\n"
           "class Blocker(AgentCheck):\n"
           "    def check(self, instance):\n"
           "        self.gauge('blocker.started', 1, tags=['n:%d' % instance['n']])\n"
           "        time.sleep(instance['seconds'])\n")

QUICK = ("from vigil import AgentCheck\n"
         "class Quick(AgentCheck):\n"
         "    def check(self, instance):\n"
         "        self.gauge('quick.value', 7)\n")

EXAMPLE_SO = os.path.join(os.environ["VIGIL_BUILD_ROOT"], "native_checks", "example.so")


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonConcurrencyTest(Workspace):
    def write_check(self, name, text):
        with open(os.path.join(self.plugins, name), "w") as f:
            f.write(text)

    def agent_config(self, text):
        path = os.path.join(self.tmp.name, "vigil.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_agent(self, cfg, *run_options):
        return subprocess.Popen(WRAPPER + [VIGIL, "-c", cfg, "run", *run_options,
                                           *self.folders()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop_agent(self, proc, timeout):
        """SIGTERM; (seconds until exit, stdout lines as JSON, stderr)."""
        sent = time.monotonic()
        out, err = stop(proc, timeout=timeout)
        took = time.monotonic() - sent
        return took, [json.loads(line) for line in out.splitlines()], err

    def test_eight_sleeping_checks_on_four_runners_take_about_two_seconds(self):
        for i in range(8):
            self.write_check(f"sleeper{i}.py", SLEEPER)
        cfg = self.agent_config("check_runners: 4\n")
        start = time.monotonic()
        proc = vigil("-c", cfg, "run", "--once", *self.folders(), check=True)
        elapsed = time.monotonic() - start
        done = [json.loads(l) for l in proc.stdout.splitlines()]
        self.assertEqual(len([l for l in done if l.get("name") == "sleeper.done"]), 8,
                         proc.stdout)
        # Serialised: 8 s.  Two waves of four overlapping sleeps: 2 s (plus
        # start-up).  One wave would mean more than four at once.
        self.assertGreater(elapsed, 1.5)
        self.assertLess(elapsed, 3.5)

    def test_native_check_keeps_its_schedule_while_python_holds_the_gil(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml", "instances:\n  - min_collection_interval: 1\n")
        self.write_check("hog.py", GIL_HOG)
        # Interval 1 s: the first run comes within a second (an instance
        # starts at a stable offset into its interval); later ticks are
        # skipped while it runs.
        self.write_conf("hog.yaml", "instances:\n  - seconds: 5\n"
                        "    min_collection_interval: 1\n")
        self.write_check("sleeper.py", SLEEPER)
        self.write_conf("sleeper.yaml", "instances:\n  - seconds: 30\n"
                        "    min_collection_interval: 1\n")
        # Three Python runs at once leave one of four runners to the native
        # check: what is tested is the GIL, not the pool's size.
        cfg = self.agent_config("check_runners: 4\nflush_interval: 1\nshutdown_grace: 0\n")
        proc = self.start_agent(cfg)
        time.sleep(6)
        _, lines, err = self.stop_agent(proc, timeout=30)
        names = [l.get("name") for l in lines]
        self.assertIn("hog.started", names, err)
        self.assertIn("hog.finished", names, "the hog did not run its 5 s: " + err)
        # The first run only sets the monotonic baseline; the others add 1.
        runs = 1 + sum(l["value"] for l in lines if l.get("name") == "example.runs")
        # About 6 runs in 6 s; blocked behind the GIL for 5 s it would be
        # 1 or 2.
        self.assertGreaterEqual(runs, 4, err)

    def test_native_check_keeps_its_schedule_while_python_holds_every_runner(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml", "instances:\n  - min_collection_interval: 1\n")
        self.write_check("blocker.py", BLOCKER)
        self.write_conf("blocker.yaml", "instances:\n" + "".join(
            f"  - n: {n}\n    seconds: 60\n    min_collection_interval: 1\n"
            for n in range(4)))
        # As many Python runs blocked at once as there are runners: only the
        # native runner (scheduler.hpp) is left for the native check.
        cfg = self.agent_config("check_runners: 4\nflush_interval: 1\nshutdown_grace: 0\n")
        proc = self.start_agent(cfg)
        time.sleep(7)
        _, lines, err = self.stop_agent(proc, timeout=30)
        started = {tuple(l.get("tags", [])) for l in lines if l.get("name") == "blocker.started"}
        self.assertEqual(len(started), 4, "not every runner was held by Python: " + err)
        # The first run only sets the monotonic baseline; the others add 1.
        runs = 1 + sum(l["value"] for l in lines if l.get("name") == "example.runs")
        # About 7 runs in 7 s; queued behind the blocked runners it would
        # be 1 (the runs before the blockers took every runner).
        self.assertGreaterEqual(runs, 5, err)

    def test_sigterm_with_stuck_checks_exits_zero_in_time_and_flushes_the_others(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml", "instances:\n  - min_collection_interval: 1\n")
        self.write_check("quick.py", QUICK)
        self.write_check("stuck_sleep.py", STUCK_SLEEP)
        self.write_check("stuck_pause.py", STUCK_PAUSE)
        for name in ("quick", "stuck_sleep", "stuck_pause"):
            self.write_conf(f"{name}.yaml", "instances:\n  - min_collection_interval: 1\n")
        grace = 1.0
        # No periodic flush in the test's time: what comes out is the
        # shutdown flush.
        cfg = self.agent_config(f"check_runners: 4\nflush_interval: 600\n"
                                f"shutdown_grace: {grace}\n")
        proc = self.start_agent(cfg)
        time.sleep(3)
        took, lines, err = self.stop_agent(proc, timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertLess(took, grace + 3, err)
        names = {l.get("name") for l in lines}
        self.assertIn("example.value", names, err)
        self.assertIn("quick.value", names, err)
        self.assertIn("still running", err)
        self.assertIn("stuck_sleep", err)
        self.assertIn("stuck_pause", err)

    def test_sigterm_stops_run_once_with_a_stuck_check_and_flushes_the_others(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_check("quick.py", QUICK)
        self.write_check("stuck_sleep.py", STUCK_SLEEP)
        grace = 1.0
        cfg = self.agent_config(f"shutdown_grace: {grace}\n")
        proc = self.start_agent(cfg, "--once")
        time.sleep(3)
        # Without the signal, --once would wait for the stuck check forever.
        self.assertIsNone(proc.poll(), "run --once ended with a check stuck in sleep(1e9)")
        took, lines, err = self.stop_agent(proc, timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertLess(took, grace + 3, err)
        names = {l.get("name") for l in lines}
        self.assertIn("example.value", names, err)
        self.assertIn("quick.value", names, err)
        self.assertIn("stuck_sleep", err)

    def test_sigterm_with_a_check_holding_the_gil_forever_exits_zero(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml", "instances:\n  - min_collection_interval: 1\n")
        self.write_check("hog.py", GIL_HOG)
        self.write_conf("hog.yaml", "instances:\n  - seconds: -1\n"
                        "    min_collection_interval: 1\n")
        grace = 1.0
        cfg = self.agent_config(f"flush_interval: 600\nshutdown_grace: {grace}\n")
        proc = self.start_agent(cfg)
        time.sleep(2)
        took, lines, err = self.stop_agent(proc, timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertLess(took, grace + 3, err)
        names = {l.get("name") for l in lines}
        self.assertIn("example.value", names, err)
        self.assertIn("hog.started", names, err)


if __name__ == "__main__":
    unittest.main()
