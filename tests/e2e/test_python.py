#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of Python checks in the `vigil` binary: load errors in
`vigil list`, instance tags, the agent-wide default timeout, and a check's
stdout kept out of `vigil run`'s JSON lines.  The Datadog-style check running
beside native ones is PythonCheckTest in test_cli.py; scheduling and shutdown
are in test_python_concurrency.py.
"""
import json
import os
import subprocess
import unittest

from test_cli import EXAMPLE_SO, PYTHON_ENABLED, VIGIL, WRAPPER, Workspace, vigil

SOURCE = os.environ["VIGIL_SOURCE_ROOT"]
PY_FIXTURES = os.path.join(SOURCE, "tests", "data", "python")


class PythonWorkspace(Workspace):
    def write_check(self, name, text):
        with open(os.path.join(self.plugins, name), "w") as f:
            f.write(text)

    def add_py_fixture(self, name, as_name=None):
        self.add_plugin(os.path.join(PY_FIXTURES, name), as_name)

    def write_agent_config(self, text):
        path = os.path.join(self.tmp.name, "vigil.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonLoadErrorTest(PythonWorkspace):
    # file -> what `vigil list` must say about it
    EXPECTED = {
        "syntax_error.py": ["line 3", "SyntaxError"],
        "import_error.py": ["line 2", "ModuleNotFoundError", "vigil_no_such_module_xyz"],
        "no_subclass.py": ["no AgentCheck subclass in 'no_subclass.py'"],
        "two_subclasses.py": ["more than one AgentCheck subclass in 'two_subclasses.py'",
                              "FirstCheck", "SecondCheck"],
    }

    def test_each_broken_file_is_an_error_with_its_reason_and_good_ones_run(self):
        for name in self.EXPECTED:
            self.add_py_fixture(name)
        self.add_py_fixture("import_vigil.py")
        entries = self.list_json()
        for name, needles in self.EXPECTED.items():
            entry = entries[os.path.join(self.plugins, name)]
            self.assertEqual((entry["kind"], entry["state"]), ("python", "error"), name)
            for needle in needles:
                self.assertIn(needle, entry["error"], name)
        self.assertEqual(entries[os.path.join(self.plugins, "import_vigil.py")]["state"], "ok")

        # The table names the file and the line too.
        table = vigil("list", *self.folders(), check=True).stdout
        self.assertIn(os.path.join(self.plugins, "syntax_error.py"), table)
        self.assertIn("reason: line 3: SyntaxError", table)

        proc = vigil("run", "--once", *self.folders(), check=True)
        names = {json.loads(l).get("name") for l in proc.stdout.splitlines()}
        self.assertIn("import.ok", names)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonHostMissingTest(PythonWorkspace):
    def run_with_python_host(self, path, *args):
        env = dict(os.environ, VIGIL_PYTHON_HOST=path)
        return subprocess.run(WRAPPER + [VIGIL, *args, *self.folders()], capture_output=True,
                              text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)

    def test_missing_or_broken_provider_lists_py_files_and_native_checks_run(self):
        self.add_plugin(EXAMPLE_SO)
        self.add_py_fixture("import_vigil.py")
        broken = os.path.join(SOURCE, "tests", "data", "plugins", "bogus.so")
        for provider, reason in (("/nonexistent/python_host.so", "not found"),
                                 (broken, "not an ELF file")):
            proc = self.run_with_python_host(provider, "list", "--json")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            entries = {e["path"]: e for e in json.loads(proc.stdout)}
            py = entries[os.path.join(self.plugins, "import_vigil.py")]
            self.assertEqual(py["state"], "error", provider)
            self.assertTrue(py["error"].startswith("python support not installed: "), py)
            self.assertIn(reason, py["error"])
            self.assertIn(provider, py["error"])
            self.assertEqual(entries[os.path.join(self.plugins, "example.so")]["state"], "ok")
            proc = self.run_with_python_host(provider, "run", "--once")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            names = {json.loads(l).get("name") for l in proc.stdout.splitlines()}
            self.assertIn("example.value", names)
            self.assertNotIn("import.ok", names)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonInstanceTagsTest(PythonWorkspace):
    def test_instance_tags_are_added_once_and_visible_to_the_check(self):
        self.write_check("tagged.py",
                         "from datadog_checks.base import AgentCheck\n"
                         "class Tagged(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        seen = ','.join(self.instance.get('tags', []))\n"
                         "        self.gauge('tagged.value', 1, tags=['own:1', 'seen:' + seen])\n"
                         "        self.service_check('tagged.up', self.OK)\n"
                         "        self.event({'msg_title': 't', 'msg_text': 'x'})\n")
        self.write_conf("tagged.yaml", "instances:\n  - tags: [\"env:e2e\", \"team:a\"]\n")
        report = json.loads(vigil("check", "tagged", "--json", *self.folders(),
                                  check=True).stdout)
        [metric] = [m for m in report["metrics"] if m["name"] == "tagged.value"]
        self.assertEqual(sorted(metric["tags"]),
                         ["env:e2e", "own:1", "seen:env:e2e,team:a", "team:a"])
        [sc] = report["service_checks"]
        self.assertEqual(sorted(sc["tags"]), ["env:e2e", "team:a"])
        [event] = report["events"]
        self.assertEqual(sorted(event["tags"]), ["env:e2e", "team:a"])


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonDefaultTimeoutTest(PythonWorkspace):
    SPINNER = ("import time\n"
               "from vigil import AgentCheck\n"
               "class Spin(AgentCheck):\n"
               "    def check(self, instance):\n"
               "        end = time.monotonic() + instance['seconds']\n"
               "        while time.monotonic() < end:\n"
               "            pass\n"
               "        self.gauge('spin.done', 1)\n")

    def test_agent_default_interrupts_a_pure_python_loop_unless_the_instance_says(self):
        self.write_check("spin.py", self.SPINNER)
        # The first instance spins far past the default; the second has its
        # own, longer timeout and finishes.
        self.write_conf("spin.yaml",
                        "instances:\n  - seconds: 60\n"
                        "  - seconds: 0.6\n    vigil_timeout: 30\n")
        cfg = self.write_agent_config("default_timeout: 0.3\n")
        proc = vigil("-c", cfg, "check", "spin", "--json", *self.folders(), timeout=50)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads(proc.stdout)
        first, second = report["instances"]
        self.assertEqual(first["status"], "timeout", first)
        self.assertIn("timeout after 0.3 s", first["error"])
        self.assertEqual(second["status"], "ok", second)
        self.assertEqual(len([m for m in report["metrics"] if m["name"] == "spin.done"]), 1)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonFlushFirstValueTest(PythonWorkspace):
    """monotonic_count(..., flush_first_value=True) counts a new series'
    first value, in the agent and in a worker process alike; without the
    flag the first value is only the baseline."""
    COUNTER = ("from datadog_checks.base import AgentCheck\n"
               "class Counter(AgentCheck):\n"
               "    def check(self, instance):\n"
               "        self.monotonic_count('ffv.flagged', 5, flush_first_value=True)\n"
               "        self.monotonic_count('ffv.plain', 5)\n")

    def test_a_new_series_sends_its_first_value_only_when_flagged(self):
        self.write_check("counter.py", self.COUNTER)
        for isolation in ("none", "process"):
            with self.subTest(isolation=isolation):
                self.write_conf("counter.yaml",
                                f"instances:\n  - isolation: {isolation}\n")
                report = json.loads(vigil("check", "counter", "--json", *self.folders(),
                                          check=True).stdout)
                values = {m["name"]: m["value"] for m in report["metrics"]}
                self.assertEqual(values.get("ffv.flagged"), 5, report["metrics"])
                self.assertNotIn("ffv.plain", values)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonStdoutTest(PythonWorkspace):
    def test_writes_to_stdout_never_reach_the_json_lines(self):
        self.write_check("chatty.py",
                         "import logging, sys\n"
                         "from vigil import AgentCheck\n"
                         "print('at import time')\n"
                         "class Chatty(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        print('{\"not\": \"a metric\"}')\n"
                         "        print('no newline', end='')\n"
                         "        sys.stdout.write('partial ')\n"
                         "        sys.stdout.flush()\n"
                         "        print('line', file=sys.stdout)\n"
                         "        print('to stderr', file=sys.stderr)\n"
                         "        logging.getLogger('x').warning('via logging')\n"
                         "        self.gauge('chatty.value', 3)\n")
        self.write_conf("chatty.yaml", "instances:\n  - tags: [\"i:1\"]\n  - tags: [\"i:2\"]\n")
        proc = vigil("run", "--once", "--output", "json", *self.folders(), check=True)
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertTrue(lines)
        self.assertTrue(all("kind" in l for l in lines), proc.stdout)
        values = [l["value"] for l in lines if l.get("name") == "chatty.value"]
        self.assertEqual(values, [3, 3])
        # What the check printed went to the log, on stderr.
        self.assertIn("at import time", proc.stderr)
        self.assertIn('{"not": "a metric"}', proc.stderr)
        # flush() ends the pending partial line, as a terminal would show it.
        self.assertIn("no newlinepartial", proc.stderr)
        self.assertIn("via logging", proc.stderr)


if __name__ == "__main__":
    unittest.main()
