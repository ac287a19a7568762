#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of where Python checks import from and how they are built
(issue 13): vigil.yaml's `python:` (a virtualenv and extra folders) and the
order of sys.path, the bytecode cache under the state folder, construction as
the Datadog agent does it (keywords, then agentConfig), classes imported into
a check file, and warnings read after the run.
"""
import json
import os
import sys
import unittest

from test_cli import PYTHON_ENABLED, vigil
from test_python import PythonWorkspace

BUILD_ROOT = os.environ["VIGIL_BUILD_ROOT"]
PY_VERSION = "%d.%d" % sys.version_info[:2]

# Reports where each kind of entry sits on sys.path, as gauges, and what it
# could import from the venv and the extra folder.
PATH_PROBE = r'''
import os, sys
from datadog_checks.base import AgentCheck
import venv_only_lib, extra_only_lib, tagger

def index(pred):
    for i, p in enumerate(sys.path):
        if pred(p):
            return i
    return -1

class PathProbe(AgentCheck):
    def check(self, instance):
        venv, extra, plugins = instance['venv'], instance['extra'], instance['plugins']
        order = {
            'stdlib': index(lambda p: p.endswith('/lib/python%d.%d' % sys.version_info[:2])),
            'agent_modules': index(lambda p: p.endswith('/_agent_modules')),
            'extra': index(lambda p: p == extra),
            'venv': index(lambda p: p.startswith(venv + '/') and p.endswith('site-packages')),
            'system': index(lambda p: p == '/usr/lib/python3/dist-packages'),
            'plugins': index(lambda p: p == plugins),
            'shim': index(lambda p: p.endswith('python_host/python')
                          or p.endswith('vigil/python')),
        }
        for name, i in order.items():
            self.gauge('probe.index', i, tags=['entry:' + name])
        self.gauge('probe.venv_lib', venv_only_lib.VALUE)
        self.gauge('probe.extra_lib', extra_only_lib.VALUE)
        self.gauge('probe.tagger_low', tagger.LOW)
        self.gauge('probe.prefix_is_venv', 1 if sys.prefix == venv else 0)
'''


def metrics(report):
    out = {}
    for m in report["metrics"]:
        tags = [t for t in m["tags"] if t.startswith("entry:")]
        out[(m["name"], tags[0] if tags else "")] = m["value"]
    return out


def make_venv(root, version=PY_VERSION):
    """What `python3 -m venv --system-site-packages` makes and Python's
    start-up reads (pyvenv.cfg, bin/python3), without needing python3-venv."""
    os.makedirs(os.path.join(root, "bin"))
    site = os.path.join(root, "lib", "python" + PY_VERSION, "site-packages")
    os.makedirs(site)
    with open(os.path.join(root, "pyvenv.cfg"), "w") as f:
        f.write("home = /usr/bin\ninclude-system-site-packages = true\n"
                "version = %s.0\n" % version)
    os.symlink("/usr/bin/python3", os.path.join(root, "bin", "python3"))
    return site


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonEnvironmentTest(PythonWorkspace):
    def setUp(self):
        super().setUp()
        self.venv = os.path.join(self.tmp.name, "venv")
        site = make_venv(self.venv)
        with open(os.path.join(site, "venv_only_lib.py"), "w") as f:
            f.write("VALUE = 7\n")
        self.extra = os.path.join(self.tmp.name, "extra")
        os.mkdir(self.extra)
        with open(os.path.join(self.extra, "extra_only_lib.py"), "w") as f:
            f.write("VALUE = 9\n")

    def check_with(self, python_yaml, name="path_probe"):
        config = self.write_agent_config(
            "plugins_dirs: [%s]\nconf_dir: %s\npython:\n%s" % (self.plugins, self.confd,
                                                               python_yaml))
        return vigil("-c", config, "check", name, "--json")

    def test_venv_and_path_come_in_the_documented_order(self):
        self.write_check("path_probe.py", PATH_PROBE)
        self.write_conf("path_probe.yaml", "instances:\n  - venv: %s\n    extra: %s\n"
                        "    plugins: %s\n" % (self.venv, self.extra, self.plugins))
        proc = self.check_with("  venv: %s\n  path: [%s]\n" % (self.venv, self.extra))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        m = metrics(json.loads(proc.stdout))
        self.assertEqual(m[("probe.venv_lib", "")], 7)
        self.assertEqual(m[("probe.extra_lib", "")], 9)
        self.assertEqual(m[("probe.tagger_low", "")], 0)
        self.assertEqual(m[("probe.prefix_is_venv", "")], 1)
        order = ["stdlib", "agent_modules", "extra", "venv", "system", "plugins", "shim"]
        index = [m[("probe.index", "entry:" + name)] for name in order]
        self.assertNotIn(-1, index, dict(zip(order, index)))
        self.assertEqual(index, sorted(index), dict(zip(order, index)))

    def test_bytecode_goes_to_the_state_folder_not_beside_the_check(self):
        self.write_check("cached_check.py",
                         "from datadog_checks.base import AgentCheck\n"
                         "class Cached(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        self.gauge('cached.value', 1)\n")
        self.write_conf("cached_check.yaml", "instances: [{}]\n")
        proc = vigil("check", "cached_check", "--json", *self.folders())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.plugins, "__pycache__")))
        cached = os.path.join(BUILD_ROOT, "state", "pycache") + self.plugins
        self.assertTrue(any(n.startswith("cached_check.") and n.endswith(".pyc")
                            for n in os.listdir(cached)), cached)

    def test_a_directory_that_is_not_a_venv_is_one_clear_error(self):
        self.write_check("plain.py", "from datadog_checks.base import AgentCheck\n"
                         "class Plain(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        pass\n")
        self.write_conf("plain.yaml", "instances: [{}]\n")
        proc = self.check_with("  venv: %s\n" % self.extra, name="plain")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("python.venv '%s' is not a virtualenv: no readable pyvenv.cfg"
                      % self.extra, proc.stdout + proc.stderr)

    def test_a_venv_without_its_python_is_refused(self):
        broken = os.path.join(self.tmp.name, "venv3")
        make_venv(broken)
        os.remove(os.path.join(broken, "bin", "python3"))
        self.write_check("plain.py", "from datadog_checks.base import AgentCheck\n"
                         "class Plain(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        pass\n")
        self.write_conf("plain.yaml", "instances: [{}]\n")
        proc = self.check_with("  venv: %s\n" % broken, name="plain")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("python.venv '%s' has no bin/python3" % broken, proc.stdout + proc.stderr)

    def test_a_venv_of_another_python_is_refused(self):
        other = os.path.join(self.tmp.name, "venv2")
        make_venv(other, version="3.99")
        self.write_check("plain.py", "from datadog_checks.base import AgentCheck\n"
                         "class Plain(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        pass\n")
        self.write_conf("plain.yaml", "instances: [{}]\n")
        proc = self.check_with("  venv: %s\n" % other, name="plain")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("is Python 3.99.0; python_host embeds Python " + PY_VERSION,
                      proc.stdout + proc.stderr)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class PythonConstructionTest(PythonWorkspace):
    def test_old_signature_imported_class_and_warnings(self):
        # The Agent 5 signature, which the agent's deprecated call serves.
        self.write_check("old_style.py",
                         "from datadog_checks.base import AgentCheck\n"
                         "class OldStyle(AgentCheck):\n"
                         "    def __init__(self, name, init_config, agentConfig, "
                         "instances=None):\n"
                         "        super().__init__(name, init_config, agentConfig, instances)\n"
                         "        self.seen = agentConfig\n"
                         "    def check(self, instance):\n"
                         "        self.gauge('old.has_version', 1 if self.seen.get('version') "
                         "else 0)\n"
                         "        self.gauge('old.instances', len(self.instances))\n"
                         "        self.warning('careful: %s', instance['what'])\n")
        self.write_conf("old_style.yaml", "instances:\n  - what: this\n")
        # A check file importing its class, as every integration package does.
        lib = os.path.join(self.tmp.name, "lib")
        os.mkdir(lib)
        with open(os.path.join(lib, "imported_impl.py"), "w") as f:
            f.write("from datadog_checks.base import AgentCheck\n"
                    "class Imported(AgentCheck):\n"
                    "    def check(self, instance):\n"
                    "        self.gauge('imported.value', 3)\n")
        self.write_check("imported.py", "from imported_impl import Imported\n")
        self.write_conf("imported.yaml", "instances: [{}]\n")
        config = self.write_agent_config("plugins_dirs: [%s]\nconf_dir: %s\npython:\n"
                                         "  path: [%s]\n" % (self.plugins, self.confd, lib))

        proc = vigil("-c", config, "check", "old_style", "--json")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        report = json.loads(proc.stdout)
        m = metrics(report)
        self.assertEqual(m[("old.has_version", "")], 1)
        self.assertEqual(m[("old.instances", "")], 1)
        warnings = [w for i in report["instances"] for w in i.get("warnings", [])]
        self.assertEqual(warnings, ["careful: this"])

        proc = vigil("-c", config, "check", "imported", "--json")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(metrics(json.loads(proc.stdout))[("imported.value", "")], 3)


if __name__ == "__main__":
    unittest.main()
