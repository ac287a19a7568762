#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Idle RSS of a running agent and its start-up time.

usage: bench/agent_footprint.py BUILD_DIR [--seconds N] [--runs N] [--scrape S] [--maps]

- start-up: wall time of `vigil run --once` (process start, discovery, loading
  every plugin, one run of every instance, flush, exit), median of --runs; an
  upper bound on "start to first check run".
- idle RSS: VmRSS (and its anonymous/file parts, and Pss) of `vigil run`
  with the build's native checks loaded, after --seconds of running; with
  --scrape S, /metrics is fetched every S seconds meanwhile, as Prometheus
  would; with --maps, the same resident memory per mapped file (from
  /proc/PID/smaps), largest first, to see which library the pages belong to.
  The agent releases its start-up code pages after start-up and after its
  first flush (15 s), so measure after 40 s or more for the steady state.
"""
import argparse
import http.client
import os
import socket
import statistics
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    """GET /metrics as Prometheus does: keep-alive, its Accept header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/metrics", headers={
            "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                      "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            "Accept-Encoding": "gzip",
            "User-Agent": "Prometheus/2.42.0",
            "X-Prometheus-Scrape-Timeout-Seconds": "10"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"/metrics: HTTP {response.status}")
    finally:
        conn.close()


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
    p.add_argument("--scrape", type=float, default=0, help="GET /metrics every S seconds")
    p.add_argument("--maps", action="store_true", help="print Rss per mapped file")
    args = p.parse_args()
    vigil = os.path.join(args.build, "core", "vigil")
    plugins = os.path.join(args.build, "native_checks")
    with tempfile.TemporaryDirectory() as tmp:
        confd = os.path.join(tmp, "conf.d")
        os.mkdir(confd)
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

        # A port of its own keeps clear of an agent already running here.
        port = free_port()
        config = os.path.join(tmp, "vigil.yaml")
        with open(config, "w") as f:
            f.write(f"listen: 127.0.0.1:{port}\n")
        proc = subprocess.Popen([vigil, "run", "-c", config, "--output", "none", *common])
        try:
            deadline = time.monotonic() + args.seconds
            while args.scrape > 0 and time.monotonic() + args.scrape < deadline:
                time.sleep(args.scrape)
                scrape(port)
            time.sleep(max(0, deadline - time.monotonic()))
            status = open(f"/proc/{proc.pid}/status").read()
            fields = {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines()}
            pss = [l.split()[1] for l in open(f"/proc/{proc.pid}/smaps_rollup")
                   if l.startswith("Pss:")][0]
            scraped = f", /metrics every {args.scrape:g} s" if args.scrape > 0 else ""
            print(f"idle after {args.seconds:.0f} s{scraped}: VmRSS {fields['VmRSS']} "
                  f"(anon {fields['RssAnon']}, file {fields['RssFile']}), Pss {pss} kB, "
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
