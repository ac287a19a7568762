#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of Datadog integrations run by name (issue 13): a check
conf.d configures that no plugin file provides is imported as the installed
package datadog_checks.NAME from vigil.yaml's `python: path:`, and runs the
same through `vigil check`, `vigil run` and `isolation: process`; a plugin
file of the name wins; a package that cannot be loaded is one line in
`vigil list` while the rest runs; `vigil version` names the base in use.

The packages are fakes laid out as integrations-core's are
(tests/data/python/integrations).  RealTcpCheckTest runs the real tcp_check
and datadog_checks_base 35.0.0 from ../shared/third_party (test material,
never copied here); when that folder is absent the case exits 77 (skipped).
"""
import json
import subprocess
import os
import socket
import sys
import time
import unittest

from test_cli import PYTHON_ENABLED, vigil
from test_python import SOURCE, PythonWorkspace

INTEGRATIONS = os.path.join(SOURCE, "tests", "data", "python", "integrations")
ECHO_PACKAGE = os.path.join(INTEGRATIONS, "datadog_checks", "echo_integration")
THIRD_PARTY = os.path.normpath(os.path.join(SOURCE, "..", "shared", "third_party",
                                            "datadog-integrations-core-35"))

# The cases on Datadog's published code skip (77) where it is absent.
REAL_CASES = ("RealTcpCheckTest", "RealHttpIntegrationsTest")
if any(case in sys.argv for case in REAL_CASES) and not os.path.isdir(THIRD_PARTY):
    print(f"{THIRD_PARTY} not found, skipping", file=sys.stderr)
    sys.exit(77)


def values(report, name):
    return [m["value"] for m in report["metrics"] if m["name"] == name]


class IntegrationWorkspace(PythonWorkspace):
    PATH = [INTEGRATIONS]

    def setUp(self):
        super().setUp()
        self.config = self.write_agent_config(
            "hostname: e2e-host\nlisten: off\nplugins_dirs: [%s]\nconf_dir: %s\n"
            "python:\n  path: [%s]\n" % (self.plugins, self.confd, ", ".join(self.PATH)))

    def cli(self, *args, **kwargs):
        return vigil("-c", self.config, *args, **kwargs)

    def check_json(self, name):
        proc = self.cli("check", name, "--json")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return json.loads(proc.stdout)

    def list_rows(self):
        proc = self.cli("list", "--json", check=True)
        return {row["name"]: row for row in json.loads(proc.stdout)}


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class IntegrationsByNameTest(IntegrationWorkspace):
    def write_echo_conf(self, isolation=None):
        self.write_conf("echo_integration.yaml",
                        "instances:\n  - value: 7\n    tags: ['site:e2e']\n"
                        "    warn: heads up\n"
                        + ("    isolation: %s\n" % isolation if isolation else ""))

    def test_check_runs_an_installed_integration_by_name(self):
        self.write_echo_conf()
        report = self.check_json("echo_integration")
        self.assertEqual(report["kind"], "python")
        self.assertEqual(report["module"], "datadog_checks.echo_integration")
        self.assertEqual(report["version"], "2.5.0")
        self.assertEqual(report["path"], ECHO_PACKAGE)
        self.assertEqual(values(report, "echo.value"), [7])
        self.assertEqual(values(report, "echo.in_worker"), [0])
        [value] = [m for m in report["metrics"] if m["name"] == "echo.value"]
        self.assertIn("integration:echo_integration", value["tags"])
        self.assertEqual([c["name"] for c in report["service_checks"]], ["echo.can_echo"])
        self.assertEqual(report["instances"][0]["warnings"], ["echo warns: heads up"])

    def test_run_runs_it_as_check_does(self):
        self.write_echo_conf()
        proc = self.cli("run", "--once", "--output", "json", check=True)
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        echo = [l for l in lines if l.get("name") == "echo.value"]
        self.assertEqual([l["value"] for l in echo], [7], proc.stdout)
        self.assertIn("integration:echo_integration", echo[0]["tags"])

    def test_isolated_it_runs_in_a_worker(self):
        self.write_echo_conf(isolation="process")
        report = self.check_json("echo_integration")
        self.assertEqual(values(report, "echo.value"), [7])
        self.assertEqual(values(report, "echo.in_worker"), [1])
        self.assertEqual(report["instances"][0]["warnings"], ["echo warns: heads up"])
        row = self.list_rows()["echo_integration"]
        self.assertEqual((row["state"], row["isolation"]), ("ok", "process"), row)
        self.assertEqual(row["path"], ECHO_PACKAGE)  # as the probe worker found it
        self.assertEqual(row["version"], "2.5.0")
        proc = self.cli("run", "--once", "--output", "json", check=True)
        in_worker = [json.loads(l)["value"] for l in proc.stdout.splitlines()
                     if json.loads(l).get("name") == "echo.in_worker"]
        self.assertEqual(in_worker, [1], proc.stdout + proc.stderr)

    def test_list_shows_kind_module_version_and_where(self):
        self.write_echo_conf()
        row = self.list_rows()["echo_integration"]
        self.assertEqual((row["kind"], row["state"], row["version"], row["module"]),
                         ("python", "ok", "2.5.0", "datadog_checks.echo_integration"))
        self.assertEqual(row["path"], ECHO_PACKAGE)
        self.assertEqual(row["instances"], 1)
        table = self.cli("list", check=True).stdout
        self.assertIn("module: datadog_checks.echo_integration", table)
        self.assertIn(ECHO_PACKAGE, table)

    def test_a_plugin_file_of_the_name_wins_over_the_package(self):
        self.write_check("shadowed_integration.py",
                         "from datadog_checks.base import AgentCheck\n"
                         "class FromFile(AgentCheck):\n"
                         "    def check(self, instance):\n"
                         "        self.gauge('shadowed.from', 1, tags=['source:file'])\n")
        self.write_conf("shadowed_integration.yaml", "instances: [{}]\n")
        report = self.check_json("shadowed_integration")
        self.assertIsNone(report["module"])
        self.assertEqual(report["path"], os.path.join(self.plugins, "shadowed_integration.py"))
        [metric] = [m for m in report["metrics"] if m["name"] == "shadowed.from"]
        self.assertEqual((metric["value"], metric["tags"]), (1, ["source:file"]))
        rows = [r for r in json.loads(self.cli("list", "--json", check=True).stdout)
                if r["name"] == "shadowed_integration"]
        self.assertEqual(len(rows), 1, rows)

    def test_what_cannot_load_is_one_line_each_and_the_rest_runs(self):
        self.write_echo_conf()
        for name in ("broken_integration", "classless_integration", "not_installed_xyz"):
            self.write_conf(name + ".yaml", "instances: [{}]\n")
        proc = self.cli("list", "--json", check=True)
        rows = {r["name"]: r for r in json.loads(proc.stdout)}
        expected = {
            "broken_integration": ["datadog_checks.broken_integration", "ModuleNotFoundError",
                                   "vigil_no_such_dependency_xyz"],
            "classless_integration": [
                "no AgentCheck subclass in datadog_checks.classless_integration"],
            "not_installed_xyz": ["no module datadog_checks.not_installed_xyz"],
        }
        for name, needles in expected.items():
            row = rows[name]
            self.assertEqual((row["state"], row["module"]), ("error", "datadog_checks." + name))
            self.assertNotIn("\n", row["error"])
            for needle in needles:
                self.assertIn(needle, row["error"], row)
            # Logged once, with the conf.d file that asked for it.
            self.assertEqual(proc.stderr.count(needles[-1]), 1, proc.stderr)
            self.assertIn(os.path.join(self.confd, name + ".yaml"), proc.stderr)

        check = self.cli("check", "not_installed_xyz")
        self.assertEqual(check.returncode, 1)
        self.assertIn("no module datadog_checks.not_installed_xyz", check.stderr)

        run = self.cli("run", "--once", "--output", "json", check=True)
        names = {json.loads(l).get("name") for l in run.stdout.splitlines()}
        self.assertIn("echo.value", names)

    def test_config_models_without_pydantic2_are_one_warning_not_a_failed_run(self):
        # Debian 12 has pydantic 1.10: models written for 2 cannot be
        # imported, and every run would fail on them.  With pydantic 2 the
        # models load and the run is the same, without the warning.
        probe = subprocess.run(["/usr/bin/python3", "-c",
                                "import pydantic; print(pydantic.VERSION)"],
                               capture_output=True, text=True)
        pydantic2 = probe.returncode == 0 and probe.stdout.strip().split(".")[0] >= "2"
        self.write_conf("modelled_integration.yaml",
                        "instances:\n  - value: 3\n    tags: ['i:a']\n"
                        "  - value: 4\n    tags: ['i:b']\n")
        proc = self.cli("check", "modelled_integration", "--json")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(sorted(values(report, "modelled.value")), [3, 4])
        self.assertEqual(values(report, "modelled.models_loaded"), [1, 1] if pydantic2 else [0, 0])
        warning = ("modelled_integration: configuration models "
                   "(datadog_checks.modelled_integration.config_models) not loaded: "
                   "they need pydantic 2")
        # One line for the check, not one per instance or per run.
        self.assertEqual(proc.stderr.count(warning), 0 if pydantic2 else 1, proc.stderr)

    def test_a_package_with_its_own_log_handler_logs_each_line_once(self):
        # The published base adds its own root handler; Vigil's steps aside,
        # and what the package logs while imported reaches the agent's log
        # (timestamped, with its level), not raw stderr.
        self.write_conf("loud_integration.yaml", "instances:\n  - value: 5\n")
        proc = self.cli("check", "loud_integration", "--json")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(values(json.loads(proc.stdout), "loud.value"), [5])
        self.assertEqual(proc.stderr.count("loud run 5"), 1, proc.stderr)
        self.assertIn("loud-format | loud run 5", proc.stderr)
        [imported] = [l for l in proc.stderr.splitlines() if "is being imported" in l]
        self.assertRegex(imported, r"^\d{4}-\d\d-\d\d [\d:.]+ warning .*"
                                   r"loud-format \| loud_integration is being imported$")

    def test_version_names_the_shim_when_no_base_is_installed(self):
        info = json.loads(self.cli("version", "--json", check=True).stdout)
        base = info["python"]["datadog_checks_base"]
        self.assertTrue(base["shim"], info)
        self.assertTrue(info["python"]["python"])
        text = self.cli("version", check=True).stdout
        self.assertIn("datadog_checks.base: none installed; Vigil's shim", text)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class RealTcpCheckTest(IntegrationWorkspace):
    """The published tcp_check on the published base, by name."""
    PATH = [THIRD_PARTY]

    def setUp(self):
        super().setUp()
        info = json.loads(self.cli("version", "--json", check=True).stdout)
        base = info["python"].get("datadog_checks_base") or {}
        if "error" in base:
            # Its Debian packages (the folder's README) are not installed.
            self.skipTest("the base cannot be imported: %s" % base["error"])
        self.base = base
        self.server = socket.socket()
        self.addCleanup(self.server.close)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]

    def test_version_names_the_real_base(self):
        self.assertFalse(self.base.get("shim"), self.base)
        self.assertEqual(self.base["version"], "35.0.0")
        self.assertEqual(self.base["path"], os.path.join(THIRD_PARTY, "datadog_checks", "base"))

    def test_tcp_check_runs_by_name_in_process_and_isolated(self):
        package = os.path.join(THIRD_PARTY, "datadog_checks", "tcp_check")
        for isolation in ("none", "process"):
            self.write_conf("tcp_check.yaml",
                            "init_config: {}\ninstances:\n"
                            "  - name: local\n    host: 127.0.0.1\n    port: %d\n"
                            "    isolation: %s\n" % (self.port, isolation))
            row = self.list_rows()["tcp_check"]
            self.assertEqual((row["state"], row["module"], row["version"], row["path"]),
                             ("ok", "datadog_checks.tcp_check", "4.8.0", package), row)
            proc = self.cli("check", "tcp_check", "--json")
            report = json.loads(proc.stdout)
            self.assertEqual(report["module"], "datadog_checks.tcp_check")
            # Its config models want pydantic 2; under Debian's 1.10 they are
            # skipped with one warning instead of failing every run.
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertEqual(values(report, "network.tcp.can_connect"), [1], isolation)
            statuses = {c["name"]: c["status"] for c in report["service_checks"]}
            self.assertEqual(statuses.get("tcp.can_connect"), "OK", report["service_checks"])


class HttpServer:
    """python3 -m http.server over `folder` on a free loopback port."""

    def __init__(self, folder):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", str(self.port)],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@unittest.skipUnless(PYTHON_ENABLED, "built without Python support")
class RealHttpIntegrationsTest(RealTcpCheckTest):
    """The published http_check and openmetrics (V2) integrations, by name,
    against python3 -m http.server serving tests/data/openmetrics/."""

    def setUp(self):
        super().setUp()
        self.server = HttpServer(os.path.join(SOURCE, "tests", "data", "openmetrics"))
        self.addCleanup(self.server.stop)
        self.base_url = "http://127.0.0.1:%d/" % self.server.port

    # Inherited cases are RealTcpCheckTest's own.
    test_version_names_the_real_base = None
    test_tcp_check_runs_by_name_in_process_and_isolated = None

    def test_http_check_reaches_the_server_in_process_and_isolated(self):
        for isolation in ("none", "process"):
            self.write_conf("http_check.yaml",
                            "init_config:\n  ca_certs: /etc/ssl/certs/ca-certificates.crt\n"
                            "instances:\n  - name: local\n    url: %s\n"
                            "    isolation: %s\n" % (self.base_url, isolation))
            proc = self.cli("check", "http_check", "--json")
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            report = json.loads(proc.stdout)
            self.assertEqual(report["module"], "datadog_checks.http_check")
            self.assertEqual(values(report, "network.http.can_connect"), [1], isolation)
            self.assertEqual(len(values(report, "network.http.response_time")), 1)
            statuses = {c["name"]: c["status"] for c in report["service_checks"]}
            self.assertEqual(statuses.get("http.can_connect"), "OK", report["service_checks"])

    def test_openmetrics_v2_scrapes_by_name(self):
        self.write_conf("openmetrics.yaml",
                        "instances:\n  - openmetrics_endpoint: %stext_format.txt\n"
                        "    namespace: om\n    metrics: ['.+']\n" % self.base_url)
        # Two runs: counters are monotonic counts, sent from the second.
        proc = self.cli("check", "openmetrics", "--json", "--times", "2")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(report["module"], "datadog_checks.openmetrics")
        self.assertTrue(values(report, "om.http_requests.count"), report["metrics"])
        statuses = {c["name"]: c["status"] for c in report["service_checks"]}
        self.assertEqual(statuses.get("om.openmetrics.health"), "OK", report["service_checks"])


if __name__ == "__main__":
    unittest.main()
