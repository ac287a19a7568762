#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of the `vigil` binary on temporary plugin and conf.d folders.

Every test points --plugins and --conf-d at folders it made, so the machine's
installed plugins never leak in; the build tree's own defaults are tested once
(ListTest.test_build_tree_defaults).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import unittest

from process_tree import stop

VIGIL = os.environ["VIGIL"]
WRAPPER = shlex.split(os.environ.get("VIGIL_EXE_WRAPPER", ""))
BUILD = os.environ["VIGIL_BUILD_ROOT"]
FIXTURES = os.environ["VIGIL_FIXTURES"]
PYTHON_ENABLED = os.environ.get("VIGIL_PYTHON_ENABLED") == "1"
TLS_ENABLED = os.environ.get("VIGIL_TLS_ENABLED") == "1"
EXAMPLE_SO = os.path.join(BUILD, "native_checks", "example.so")


def sdk_abi_version():
    """(major, minor) as the public header says, which the agent must report."""
    header = os.path.join(os.environ["VIGIL_SOURCE_ROOT"], "core", "include", "vigil", "check.h")
    with open(header) as f:
        text = f.read()
    return tuple(int(re.search(rf"#define VIGIL_ABI_VERSION_{part} (\d+)u", text).group(1))
                 for part in ("MAJOR", "MINOR"))


ABI = sdk_abi_version()


def vigil(*args, timeout=60, check=False):
    proc = subprocess.run(WRAPPER + [VIGIL, *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise AssertionError(f"vigil {args} exited {proc.returncode}: {proc.stderr}")
    return proc


class Workspace(unittest.TestCase):
    """A fresh plugins/ and conf.d/ per test."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="vigil-e2e-")
        self.plugins = os.path.join(self.tmp.name, "plugins")
        self.confd = os.path.join(self.tmp.name, "conf.d")
        os.mkdir(self.plugins)
        os.mkdir(self.confd)

    def tearDown(self):
        self.tmp.cleanup()

    def add_plugin(self, source, name=None):
        shutil.copy(source, os.path.join(self.plugins, name or os.path.basename(source)))

    def add_fixture(self, name):
        self.add_plugin(os.path.join(FIXTURES, name + ".so"))

    def write_conf(self, name, text):
        with open(os.path.join(self.confd, name), "w") as f:
            f.write(text)

    def folders(self):
        return ["--plugins", self.plugins, "--conf-d", self.confd]

    def list_json(self):
        proc = vigil("list", "--json", *self.folders(), check=True)
        return {e["path"]: e for e in json.loads(proc.stdout)}


class VersionTest(unittest.TestCase):
    def test_version_reports_build_features(self):
        proc = vigil("version", "--json", check=True)
        info = json.loads(proc.stdout)
        self.assertEqual(info["features"]["python"],
                         "enabled" if PYTHON_ENABLED else "disabled")
        self.assertEqual(info["features"]["tls"],
                         "enabled" if TLS_ENABLED else "disabled")
        self.assertEqual(info["abi"], list(ABI))
        self.assertTrue(info["version"])


class ListTest(Workspace):
    def test_build_tree_defaults(self):
        # No --plugins: a binary run from the build tree finds the build's
        # native checks and the repository's plugins/ with no configuration.
        proc = vigil("list", "--json", check=True)
        names = {e["name"]: e for e in json.loads(proc.stdout)}
        self.assertIn("example", names)
        self.assertEqual(names["example"]["state"], "ok")
        self.assertEqual(names["example"]["instances"], 1)

    def test_python_file_state_depends_on_the_build(self):
        with open(os.path.join(self.plugins, "mycheck.py"), "w") as f:
            f.write("from datadog_checks.base import AgentCheck\n")
        with open(os.path.join(self.plugins, "notes.txt"), "w") as f:
            f.write("ignored quietly\n")
        entries = self.list_json()
        self.assertEqual(len(entries), 1, entries)
        entry = entries[os.path.join(self.plugins, "mycheck.py")]
        self.assertEqual(entry["kind"], "python")
        if PYTHON_ENABLED:
            self.assertIn(entry["state"], ("ok", "error"))
        else:
            self.assertEqual(entry["state"], "skipped")
            self.assertEqual(entry["error"], "built without Python support")

    def test_table_output_names_each_file(self):
        self.add_plugin(EXAMPLE_SO)
        self.add_fixture("abi_major")
        proc = vigil("list", *self.folders(), check=True)
        self.assertIn("example", proc.stdout)
        self.assertIn("reason: ABI version 99.0", proc.stdout)


class CheckCommandTest(Workspace):
    def setUp(self):
        super().setUp()
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml",
                        "init_config:\n  prefix: ex\n"
                        "instances:\n  - value: 42\n    tags: [\"env:e2e\"]\n"
                        "  - value: 7\n    name: second\n")

    def test_json_shape_and_values(self):
        proc = vigil("check", "example", "--json", *self.folders(), check=True)
        report = json.loads(proc.stdout)
        self.assertEqual(report["check"], "example")
        self.assertEqual(report["kind"], "native")
        self.assertEqual(len(report["instances"]), 2)
        for inst in report["instances"]:
            self.assertEqual(inst["status"], "ok")
            self.assertEqual(inst["error"], "")
            self.assertGreaterEqual(inst["duration_ms"], 0)
        values = sorted((m["value"], tuple(m["tags"])) for m in report["metrics"]
                        if m["name"] == "ex.value")
        self.assertEqual(values, [(7, ()), (42, ("env:e2e",))])
        for m in report["metrics"]:
            self.assertEqual(set(m) >= {"name", "type", "value", "tags", "host"}, True)
            self.assertTrue(m["host"])
        # The first run only sets the monotonic baseline: nothing to report.
        self.assertFalse([m for m in report["metrics"] if m["name"] == "ex.runs"])
        self.assertEqual(len(report["service_checks"]), 2)
        self.assertEqual(report["service_checks"][0]["status"], "OK")

    def test_times_two_shows_monotonic_counts(self):
        proc = vigil("check", "example", "--json", "--times", "2", "--pause", "0.1",
                     *self.folders(), check=True)
        runs = [m for m in json.loads(proc.stdout)["metrics"] if m["name"] == "ex.runs"]
        self.assertEqual(len(runs), 2)
        self.assertEqual([m["value"] for m in runs], [1, 1])
        self.assertEqual(runs[0]["type"], "count")

    def test_text_output(self):
        proc = vigil("check", "example", *self.folders(), check=True)
        self.assertIn("ex.value", proc.stdout)
        self.assertIn("Instances", proc.stdout)

    def test_unknown_check(self):
        proc = vigil("check", "nosuch", *self.folders())
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no check named 'nosuch'", proc.stderr)


class RunOnceTest(Workspace):
    def test_json_lines_on_stdout_logs_on_stderr(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml", "instances:\n  - value: 5\n")
        proc = vigil("run", "--once", *self.folders(), check=True)
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        metrics = [l for l in lines if l["kind"] == "metric"]
        self.assertEqual([m["value"] for m in metrics if m["name"] == "example.value"], [5])
        self.assertTrue([l for l in lines if l["kind"] == "service_check"])
        self.assertIn("[agent]", proc.stderr)

    def test_reader_gone_is_not_fatal(self):
        # `vigil run | head`: the reader closes before the agent writes.
        self.add_plugin(EXAMPLE_SO)
        proc = subprocess.Popen(WRAPPER + [VIGIL, "run", "--once", *self.folders()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proc.stdout.close()
        err = proc.stderr.read()
        self.assertEqual(proc.wait(timeout=60), 0, err)
        self.assertIn("write failed", err)

    def test_no_plugins_is_not_an_error(self):
        proc = vigil("run", "--once", *self.folders(), check=True)
        self.assertEqual(proc.stdout, "")


class RunAgentTest(Workspace):
    def test_sigterm_flushes_and_exits_zero(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml",
                        "instances:\n  - value: 3\n    min_collection_interval: 1\n")
        cfg = os.path.join(self.tmp.name, "vigil.yaml")
        with open(cfg, "w") as f:
            f.write("flush_interval: 1\ncheck_runners: 2\nhostname: e2e-host\n")
        proc = subprocess.Popen(WRAPPER + [VIGIL, "-c", cfg, "run", *self.folders()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(3.5)
        finally:
            out, err = stop(proc)
        self.assertEqual(proc.returncode, 0, err)
        lines = [json.loads(line) for line in out.splitlines()]
        values = [l for l in lines if l.get("name") == "example.value"]
        # Runs every second, first run within the first second: at least two.
        self.assertGreaterEqual(len(values), 2, out)
        self.assertEqual({l["host"] for l in values}, {"e2e-host"})
        self.assertIn("stopping", err)


class ConfigErrorTest(Workspace):
    def test_bad_yaml_is_reported_with_file_and_line_and_others_run(self):
        self.add_plugin(EXAMPLE_SO)
        self.add_fixture("good_check")
        self.write_conf("example.yaml", "instances:\n  - value: [1, 2\n")
        proc = vigil("run", "--once", *self.folders(), check=True)
        self.assertIn("example.yaml:", proc.stderr)
        names = {json.loads(l).get("name") for l in proc.stdout.splitlines()}
        self.assertTrue(any(n and n.startswith("fixture.") for n in names), proc.stdout)
        self.assertNotIn("example.value", names)

    def test_bad_instance_is_skipped_alone(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_conf("example.yaml",
                        "instances:\n  - value: 1\n  - value: 2\n    min_collection_interval: -5\n")
        proc = vigil("check", "example", "--json", *self.folders())
        self.assertEqual(proc.returncode, 1)
        report = json.loads(proc.stdout)
        self.assertEqual(len(report["instances"]), 1)
        self.assertEqual(len(report["config_errors"]), 1)
        self.assertIn("min_collection_interval", report["config_errors"][0])
        self.assertIn("example.yaml:4", report["config_errors"][0])

    def test_bad_agent_config_exits_2(self):
        cfg = os.path.join(self.tmp.name, "vigil.yaml")
        with open(cfg, "w") as f:
            f.write("check_runners: many\n")
        proc = vigil("-c", cfg, "list")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("check_runners", proc.stderr)
        self.assertIn("vigil.yaml:1", proc.stderr)


class RejectedPluginTest(Workspace):
    REASONS = {
        "bogus": "not an ELF file",
        "wrong_arch": "built for",
        "other_class": "-bit ELF, this agent is",
        "no_entry": "no vigil_check_entry symbol",
        "abi_major": "ABI version 99.0, this agent supports %d.%d" % ABI,
        "null_run": "run",
        "dup_second": "duplicate check name 'fixture_dup'",
        "unresolved_symbol": "cannot load",
    }

    def test_each_bad_plugin_is_listed_with_its_reason_and_good_ones_run(self):
        shutil.copy(os.path.join(os.environ["VIGIL_SOURCE_ROOT"], "tests", "data", "plugins",
                                 "bogus.so"), self.plugins)
        for name in self.REASONS:
            if name != "bogus":
                self.add_fixture(name)
        self.add_fixture("dup_first")
        self.add_plugin(EXAMPLE_SO)
        entries = self.list_json()
        for name, reason in self.REASONS.items():
            entry = entries[os.path.join(self.plugins, name + ".so")]
            self.assertEqual(entry["state"], "error", name)
            self.assertIn(reason, entry["error"], name)
        self.assertEqual(entries[os.path.join(self.plugins, "example.so")]["state"], "ok")

        proc = vigil("run", "--once", *self.folders(), check=True)
        names = {json.loads(l).get("name") for l in proc.stdout.splitlines()}
        self.assertIn("example.value", names)
        # Each rejection is logged once, naming the file.
        for name in self.REASONS:
            path = os.path.join(self.plugins, name + ".so")
            self.assertEqual(proc.stderr.count(f"'{path}'"), 1, (name, proc.stderr))


class RunErrorTest(Workspace):
    def run_fixture(self, fixture):
        self.add_fixture(fixture)
        name = self.list_json()[os.path.join(self.plugins, fixture + ".so")]["name"]
        proc = vigil("check", name, "--json", *self.folders())
        return proc, json.loads(proc.stdout)

    def test_exception_in_run_becomes_the_error(self):
        proc, report = self.run_fixture("throwing_run_check")
        self.assertEqual(proc.returncode, 1)
        inst = report["instances"][0]
        self.assertEqual(inst["status"], "error")
        self.assertTrue(inst["error"])

    def test_exception_in_constructor_is_a_create_error(self):
        proc, report = self.run_fixture("throwing_ctor_check")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("create() failed", report["instances"][0]["error"])

    def test_error_result_carries_the_message(self):
        proc, report = self.run_fixture("error_run_check")
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(report["instances"][0]["error"])


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonCheckTest(Workspace):
    def write_check(self, name, text):
        with open(os.path.join(self.plugins, name), "w") as f:
            f.write(text)

    def test_datadog_style_check_runs_beside_native_ones(self):
        self.add_plugin(EXAMPLE_SO)
        self.write_check("greet.py",
                         "from datadog_checks.base import AgentCheck\n"
                         "__version__ = '2.1'\n"
                         "class Greet(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        print('chatty check')\n"
                         "        self.gauge('greet.len', len(instance['word']), tags=['k:v'])\n")
        self.write_check("broken.py", "from checks import AgentCheck\n\ndef oops(:\n")
        self.write_conf("greet.yaml", "instances:\n  - word: hello\n")
        entries = self.list_json()
        greet = entries[os.path.join(self.plugins, "greet.py")]
        self.assertEqual((greet["state"], greet["version"]), ("ok", "2.1"))
        broken = entries[os.path.join(self.plugins, "broken.py")]
        self.assertEqual(broken["state"], "error")
        self.assertIn("line 3", broken["error"])
        self.assertIn("SyntaxError", broken["error"])

        proc = vigil("run", "--once", *self.folders(), check=True)
        # print() in a check goes to the log, never into the JSON lines.
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        values = {l["name"]: l["value"] for l in lines if l["kind"] == "metric"}
        self.assertEqual(values["greet.len"], 5)
        self.assertEqual(values["example.value"], 1)

    def test_exception_in_check_is_a_run_error_with_traceback(self):
        self.write_check("fails.py",
                         "from checks import AgentCheck\n"
                         "class Fails(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        raise ValueError('no such thing')\n")
        proc = vigil("check", "fails", "--json", *self.folders())
        self.assertEqual(proc.returncode, 1)
        error = json.loads(proc.stdout)["instances"][0]["error"]
        self.assertIn("ValueError: no such thing", error)
        self.assertIn("Traceback", error)


if __name__ == "__main__":
    unittest.main()
