#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Memory of the agent running Python checks (issue 4).

usage: bench/python_footprint.py BUILD_DIR [--checks 50] [--seconds 8]
                                 [--runs 10000] [--instances 20]

- idle: VmRSS (anonymous and file-backed parts) of `vigil run` with
  python_host loaded and --checks idle Python checks (one file and one
  instance each, every 2 s, an empty check()), after --seconds, so every
  instance has been created and has run a few times.  Beside it, the same
  agent with no check at all, for what python_host and CPython themselves add.
- churn: VmRSS growth over --runs runs of bench/python_checks/churn.py
  (allocates and frees about 1 MB per run) in `vigil run`: --instances
  instances every 10 ms share the runs; the check itself reads its process's
  VmRSS after a warm-up of 1,000 runs and again --runs runs later.
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

EMPTY = ("from vigil import AgentCheck\n"
         "class Idle(AgentCheck):\n"
         "    def check(self, instance):\n"
         "        pass\n")


def status(pid):
    text = open(f"/proc/{pid}/status").read()
    return {l.split(":")[0]: l.split(":")[1].strip() for l in text.splitlines()}


def agent(vigil, plugins, confd, *extra):
    return subprocess.Popen([vigil, "run", "--output", "none", "--plugins", plugins,
                             "--conf-d", confd, "--log-level", "warning", *extra])


def stop(proc):
    proc.terminate()
    proc.wait(timeout=30)


def rss_line(fields):
    return (f"VmRSS {fields['VmRSS']} (anon {fields['RssAnon']}, file {fields['RssFile']}), "
            f"threads {fields['Threads']}")


def idle(vigil, tmp, checks, seconds):
    plugins = os.path.join(tmp, "idle-plugins")
    confd = os.path.join(tmp, "idle-conf.d")
    os.mkdir(plugins)
    os.mkdir(confd)
    # The agent alone first, python_host not loaded (no .py file).
    proc = agent(vigil, plugins, confd)
    try:
        time.sleep(min(seconds, 3))
        print(f"no checks: {rss_line(status(proc.pid))}")
    finally:
        stop(proc)
    for i in range(checks):
        with open(os.path.join(plugins, f"idle{i}.py"), "w") as f:
            f.write(EMPTY)
        with open(os.path.join(confd, f"idle{i}.yaml"), "w") as f:
            f.write("instances:\n  - min_collection_interval: 2\n")
    proc = agent(vigil, plugins, confd)
    try:
        time.sleep(seconds)
        print(f"{checks} idle Python checks after {seconds:.0f} s: {rss_line(status(proc.pid))}")
    finally:
        stop(proc)


def churn(vigil, tmp, runs, instances):
    plugins = os.path.join(tmp, "churn-plugins")
    confd = os.path.join(tmp, "churn-conf.d")
    os.mkdir(plugins)
    os.mkdir(confd)
    shutil.copy(os.path.join(HERE, "python_checks", "churn.py"), plugins)
    report = os.path.join(tmp, "churn-report")
    warmup = 1000
    with open(os.path.join(confd, "churn.yaml"), "w") as f:
        f.write("instances:\n")
        for i in range(instances):
            f.write(f"  - n: {i}\n    min_collection_interval: 0.01\n"
                    f"    warmup: {warmup}\n    runs: {runs}\n    report: {report}\n")
    proc = agent(vigil, plugins, confd)
    start = time.monotonic()
    try:
        while time.monotonic() - start < 600:
            if os.path.exists(report) and len(open(report).read().splitlines()) >= 2:
                break
            if proc.poll() is not None:
                raise SystemExit(f"agent exited with {proc.returncode}")
            time.sleep(0.2)
        else:
            raise SystemExit("churn runs did not finish in 600 s")
    finally:
        stop(proc)
    (n0, kb0), (n1, kb1) = [tuple(map(int, l.split())) for l in open(report).read().splitlines()[:2]]
    print(f"churn: VmRSS {kb0} kB after {n0} runs, {kb1} kB after {n1} runs: "
          f"{(kb1 - kb0) / 1024:+.2f} MB over {n1 - n0} runs "
          f"({instances} instances, {time.monotonic() - start:.0f} s)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--checks", type=int, default=50)
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--runs", type=int, default=10000)
    p.add_argument("--instances", type=int, default=20)
    args = p.parse_args()
    vigil = os.path.join(args.build, "core", "vigil")
    with tempfile.TemporaryDirectory(prefix="vigil-pyfoot-") as tmp:
        idle(vigil, tmp, args.checks, args.seconds)
        churn(vigil, tmp, args.runs, args.instances)


if __name__ == "__main__":
    main()
