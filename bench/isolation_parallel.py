#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""CPU-bound Python checks with `isolation: none` and `isolation: process`
(issue 6): N checks each burning S seconds of CPU in pure Python, in one
`vigil run --once` with N check runners.

In the agent they share one GIL, so their runs take about N * S of wall time
whatever the cores; in workers they run in parallel, up to the core count.
The checks sleep until a common start time (`--lead` seconds after the
command starts, so that every worker has started its interpreter) and then
burn; the makespan is from that start to the last check's end, so it leaves
out the agent's and the workers' start-up.  The command's wall time, which
includes them, is printed too.  Best of `--repeat` runs of each mode.

What the machine allows at the moment is printed beside it: the same burn
in N plain `python3` processes at once, against one after the other (on a
machine busy with other work, neither ratio comes near 1 / cores).

    bench/isolation_parallel.py BUILD_DIR [--checks 4] [--cpu-seconds 0.5] [--repeat 3]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

BURNER = """\
import time

from vigil import AgentCheck


class Burner(AgentCheck):
    def check(self, instance):
        time.sleep(max(0.0, instance['start_at'] - time.time()))
        start = time.time()
        # CPU time of this thread only: in-process, time spent waiting for
        # the GIL does not count, so every check does the same work.
        end_cpu = time.thread_time() + instance['cpu_seconds']
        n = 0
        while time.thread_time() < end_cpu:
            for _ in range(1000):
                n += 1
        tags = ['check:' + self.name]  # one context per check
        self.gauge('burn.late', start - instance['start_at'], tags=tags)
        self.gauge('burn.end', time.time(), tags=tags)
"""


PLAIN_BURN = """\
import sys, time
end_cpu = time.thread_time() + float(sys.argv[1])
n = 0
while time.thread_time() < end_cpu:
    for _ in range(1000):
        n += 1
"""


def plain_python(checks, cpu_seconds):
    """Wall time of the burn in `checks` python3 processes: (at once, in turn)."""
    cmd = [sys.executable, "-c", PLAIN_BURN, str(cpu_seconds)]
    began = time.monotonic()
    procs = [subprocess.Popen(cmd) for _ in range(checks)]
    for p in procs:
        p.wait()
    parallel = time.monotonic() - began
    began = time.monotonic()
    for _ in range(checks):
        subprocess.run(cmd, check=True)
    return parallel, time.monotonic() - began


def run_once(vigil, workspace, isolation, checks, cpu_seconds, lead):
    plugins = os.path.join(workspace, isolation, "plugins")
    confd = os.path.join(workspace, isolation, "conf.d")
    os.makedirs(plugins, exist_ok=True)
    os.makedirs(confd, exist_ok=True)
    start_at = time.time() + lead
    for i in range(checks):
        with open(os.path.join(plugins, f"burner{i}.py"), "w") as f:
            f.write(BURNER)
        with open(os.path.join(confd, f"burner{i}.yaml"), "w") as f:
            f.write(f"instances:\n  - isolation: {isolation}\n"
                    f"    cpu_seconds: {cpu_seconds}\n    start_at: {start_at}\n"
                    f"    timeout: 60\n")
    config = os.path.join(workspace, isolation, "vigil.yaml")
    with open(config, "w") as f:
        f.write(f"hostname: bench\nlisten: off\ncheck_runners: {checks}\n")
    began = time.monotonic()
    proc = subprocess.run([vigil, "-c", config, "--plugins", plugins, "--conf-d", confd,
                           "run", "--once"], capture_output=True, text=True, timeout=300)
    wall = time.monotonic() - began
    if proc.returncode != 0:
        sys.exit(f"vigil run --once ({isolation}) exited {proc.returncode}: {proc.stderr}")
    late, ends = [], []
    for line in proc.stdout.splitlines():
        m = json.loads(line)
        if m.get("name") == "burn.late":
            late.append(m["value"])
        elif m.get("name") == "burn.end":
            ends.append(m["value"])
    if len(late) != checks or len(ends) != checks:
        sys.exit(f"{isolation}: expected {checks} runs, got {len(ends)}: {proc.stderr}")
    if max(late) > 0.05:
        print(f"  warning: a check started {max(late):.2f} s late; raise --lead")
    return max(ends) - start_at, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--checks", type=int, default=4)
    parser.add_argument("--cpu-seconds", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lead", type=float, default=2.0,
                        help="seconds from the command's start to the common start")
    args = parser.parse_args()
    vigil = os.path.join(args.build_dir, "core", "vigil")

    print(f"{args.checks} checks x {args.cpu_seconds} s CPU, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    best = {}
    with tempfile.TemporaryDirectory(prefix="vigil-isolation-parallel-") as workspace:
        for rep in range(args.repeat):
            for isolation in ("none", "process"):
                makespan, wall = run_once(vigil, workspace, isolation, args.checks,
                                          args.cpu_seconds, args.lead)
                print(f"  run {rep + 1} {isolation:8s} makespan {makespan:.3f} s, "
                      f"command wall {wall:.3f} s")
                if isolation not in best or makespan < best[isolation][0]:
                    best[isolation] = (makespan, wall)
            parallel, serial = plain_python(args.checks, args.cpu_seconds)
            print(f"  run {rep + 1} plain python3: {args.checks} at once {parallel:.3f} s, "
                  f"in turn {serial:.3f} s, ratio {parallel / serial:.2f}")
    none, process = best["none"], best["process"]
    print(f"best makespan: none {none[0]:.3f} s, process {process[0]:.3f} s, "
          f"ratio process/none {process[0] / none[0]:.2f}")
    # Not a ratio: the wall time includes the fixed --lead.
    print(f"command wall, --lead {args.lead} s and start-up included (same runs): "
          f"none {none[1]:.3f} s, process {process[1]:.3f} s")
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
