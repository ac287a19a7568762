#!/usr/bin/env python3
# scripts/check-layout against copies of the real tree with one include
# added: each arrow the rules forbid must fail with the offending line, and
# the untouched copy must pass (so the failures are the added lines').
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.environ.get("VIGIL_SOURCE_ROOT",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCRIPT = os.path.join(ROOT, "scripts", "check-layout")


class CheckLayoutTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-layout-")
        for part in ["core/src", "native_checks", "docs"]:
            shutil.copytree(os.path.join(ROOT, part), os.path.join(self.tmp, part))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def add_line(self, rel, line):
        path = os.path.join(self.tmp, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(line + "\n" + text)

    def check(self):
        return subprocess.run([sys.executable, SCRIPT, self.tmp], capture_output=True,
                              text=True, check=False)

    def assert_refused(self, rel, include, expected):
        self.add_line(rel, f'#include "{include}"')
        result = self.check()
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(f'{rel}:1: #include "{include}": {expected}', result.stdout)
        self.assertEqual(result.stdout.count("\n"), 2, result.stdout)  # that line + the count

    def test_the_copy_passes(self):
        result = self.check()
        self.assertEqual(result.returncode, 0, result.stdout)

    def test_an_output_including_the_scheduler(self):
        self.assert_refused("core/src/outputs/prometheus/output.hpp", "scheduling/scheduler.hpp",
                            "outputs/prometheus/ may not use scheduling/")

    def test_the_loader_including_an_output(self):
        self.assert_refused("core/src/plugins/loader.cpp", "outputs/output.hpp",
                            "plugins/ may not use outputs/")

    def test_anything_including_cli(self):
        self.assert_refused("core/src/agent/life_cycle.cpp", "cli/commands.hpp",
                            "agent/ may not use cli/")

    def test_a_sibling_output(self):
        self.assert_refused("core/src/outputs/json_lines/output.cpp",
                            "outputs/remote_write/queue.hpp",
                            "outputs/json_lines/ may not use outputs/remote_write/")

    def test_config_including_a_user_of_config(self):
        self.assert_refused("core/src/config/agent_config.cpp", "sender/run_context.hpp",
                            "config/ may not use sender/")

    def test_a_plugin_including_the_agent(self):
        self.assert_refused("native_checks/cpu/cpu_check.cpp", "process/logging.hpp",
                            "a plugin sees only core/include/vigil/")

    def test_a_file_at_the_top_and_a_folder_without_a_row(self):
        open(os.path.join(self.tmp, "core/src/stray.cpp"), "w").close()
        os.mkdir(os.path.join(self.tmp, "core/src/extra"))
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn("core/src/stray.cpp: a file at core/src's top level", result.stdout)
        self.assertIn("core/src/extra/: folder has no row", result.stdout)


if __name__ == "__main__":
    unittest.main()
