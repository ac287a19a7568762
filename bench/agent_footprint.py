#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Idle RSS of a running agent and its start-up time.

usage: bench/agent_footprint.py BUILD_DIR [--seconds N] [--runs N] [--maps]

- start-up: wall time of `vigil run --once` (process start, discovery, loading
  every plugin, one run of every instance, flush, exit), median of --runs; an
  upper bound on "start to first check run".
- idle RSS: VmRSS (and its anonymous/file parts) of `vigil run` with the
  build's native checks loaded, after --seconds of running; with --maps, the
  same resident memory per mapped file (from /proc/PID/smaps), largest first,
  to see which library the pages belong to.
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time


def rss_by_mapping(pid):
    """Rss kB per mapped file ("[anon]" for unnamed mappings), from smaps."""
    totals = {}
    name = None
    for line in open(f"/proc/{pid}/smaps"):
        head = line.split()
        if not head:
            continue
        if "-" in head[0] and not head[0].endswith(":"):
            name = os.path.basename(head[5]) if len(head) > 5 else "[anon]"
        elif head[0] == "Rss:":
            totals[name] = totals.get(name, 0) + int(head[1])
    return sorted(totals.items(), key=lambda kv: -kv[1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--maps", action="store_true", help="print Rss per mapped file")
    args = p.parse_args()
    vigil = os.path.join(args.build, "core", "vigil")
    plugins = os.path.join(args.build, "native_checks")
    with tempfile.TemporaryDirectory() as confd:
        common = ["--plugins", plugins, "--conf-d", confd, "--log-level", "warning"]
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([vigil, "run", "--once", "--output", "none", *common], check=True)
            times.append((time.perf_counter() - t) * 1000)
        checks = len([f for f in os.listdir(plugins) if f.endswith(".so")])
        print(f"plugins loaded: {checks} ({plugins})")
        print(f"run --once wall time: median {statistics.median(times):.1f} ms, "
              f"min {min(times):.1f} ms over {args.runs} runs")

        proc = subprocess.Popen([vigil, "run", "--output", "none", *common])
        try:
            time.sleep(args.seconds)
            status = open(f"/proc/{proc.pid}/status").read()
            fields = {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines()}
            print(f"idle after {args.seconds:.0f} s: VmRSS {fields['VmRSS']} "
                  f"(anon {fields['RssAnon']}, file {fields['RssFile']}), "
                  f"threads {fields['Threads']}")
            if args.maps:
                for name, kb in rss_by_mapping(proc.pid):
                    if kb:
                        print(f"  {kb:6d} kB  {name}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
