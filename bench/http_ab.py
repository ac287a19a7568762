#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Before/after numbers of the HTTP layer (issue 18, docs/performance.md), measured in one
run that alternates the two sides so that the machine's load falls on both alike.

usage: bench/http_ab.py --small BEFORE AFTER --default BEFORE AFTER [--rounds N]

--small: two build dirs of the smallest agent (-Dpython=disabled -Dtls=disabled
-Dstatic_runtime=enabled -Dhot_text=enabled -Dbuildtype=minsize); --default: two build dirs
with the default options and -Dbenchmarks=enabled (bench/http_bench and prometheus_bench
built).  Per round, in alternating order (A B, then B A): the idle RSS of each small build
(bench/agent_footprint.py BUILD --runs 3 --seconds 40 --scrape 5 --maps), then http_bench and
prometheus_bench of each default build.  Prints the machine, the load average at every step
and a Markdown table of medians (min-max).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    return open("/proc/loadavg").read().split()[0]


def footprint(build):
    out = subprocess.run([sys.executable, os.path.join(HERE, "agent_footprint.py"), build,
                          "--runs", "3", "--seconds", "40", "--scrape", "5", "--maps"],
                         check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
    m = re.search(r"VmRSS (\d+) kB \(anon (\d+) kB, file (\d+) kB\), Pss (\d+) kB", out)
    maps = re.findall(r"^\s+(\d+) kB  (\S+)$", out, re.M)
    return {"rss": int(m.group(1)), "anon": int(m.group(2)), "file": int(m.group(3)),
            "pss": int(m.group(4)), "maps": maps[:6]}


def benchmarks(build, program, pattern):
    out = subprocess.run([os.path.join(build, "bench", program), "--benchmark_filter=" + pattern,
                          "--benchmark_repetitions=3", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
    results = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") == "iteration":
            results.setdefault(b["run_name"], []).append(b)
    return results


def binary_size(vigil):
    stripped = vigil + ".stripped"
    subprocess.run(["strip", "-o", stripped, vigil], check=True)
    size = os.path.getsize(stripped)
    os.remove(stripped)
    return size


def spread(values, fmt):
    med = statistics.median(values)
    return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--small", nargs=2, required=True, metavar=("BEFORE", "AFTER"))
    p.add_argument("--default", nargs=2, required=True, metavar=("BEFORE", "AFTER"))
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
               if l.startswith("model name"))
    print(f"machine: {os.cpu_count()} CPUs ({subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} usable), {cpu}")
    data = {side: {"rss": [], "pss": [], "scrape": [], "extra": [], "post": [], "render": [],
                   "maps": None}
            for side in (0, 1)}
    for r in range(args.rounds):
        for side in ((0, 1) if r % 2 == 0 else (1, 0)):
            name = ("before", "after")[side]
            l0 = load()
            f = footprint(args.small[side])
            print(f"round {r + 1} {name} small: load {l0}, VmRSS {f['rss']} kB, Pss {f['pss']} kB, "
                  f"largest {', '.join(f'{n} {k}' for k, n in f['maps'])}", flush=True)
            data[side]["rss"].append(f["rss"])
            data[side]["pss"].append(f["pss"])
            data[side]["maps"] = f["maps"]
            l0 = load()
            h = benchmarks(args.default[side], "http_bench", ".")
            scrape = [b["real_time"] for b in h["BM_ScrapeMetrics/100000/real_time"]]
            extra = [b["server_extra_bytes"] for b in h["BM_ScrapeMetrics/100000/real_time"]]
            post = [b["items_per_second"] for b in h["BM_RemoteWritePost/2000/real_time"]]
            pb = benchmarks(args.default[side], "prometheus_bench", "BM_RenderExposition")
            render = [b["real_time"] for b in pb["BM_RenderExposition/100000"]]
            print(f"round {r + 1} {name} default: load {l0}, scrape {min(scrape):.1f} ms, "
                  f"extra {max(extra) / 1e6:.1f} MB, POST {max(post) / 1e6:.2f} M samples/s, "
                  f"render {min(render):.1f} ms", flush=True)
            data[side]["scrape"].append(min(scrape))
            data[side]["extra"].append(max(extra))
            data[side]["post"].append(max(post))
            data[side]["render"].append(min(render))
    sizes = [[binary_size(os.path.join(d, "core", "vigil")) for d in group]
             for group in (args.small, args.default)]
    kb = lambda v: f"{v:,.0f} kB"
    print()
    print("| what | before | after |")
    print("| --- | --- | --- |")
    rows = [
        ("idle VmRSS, small build, scraped every 5 s, 40 s", "rss", kb),
        ("idle Pss, same runs", "pss", kb),
        ("`/metrics` scrape of 100,000 series (14.3 MB), kept alive, loopback", "scrape",
         lambda v: f"{v:.1f} ms"),
        ("memory the server allocates per such scrape", "extra", lambda v: f"{v / 1e6:.1f} MB"),
        ("remote-write POSTs of 2,000 samples (15.8 KB body, encoded once), kept alive, loopback", "post",
         lambda v: f"{v / 1e6:.2f} M samples/s"),
        ("render of that `/metrics` (no HTTP; unchanged code)", "render",
         lambda v: f"{v:.1f} ms"),
    ]
    for title, key, fmt in rows:
        print(f"| {title} | {spread(data[0][key], fmt)} | {spread(data[1][key], fmt)} |")
    print(f"| `vigil` stripped, small build | {kb(sizes[0][0] / 1024)} | {kb(sizes[0][1] / 1024)} |")
    print(f"| `vigil` stripped, default build | {kb(sizes[1][0] / 1024)} | {kb(sizes[1][1] / 1024)} |")
    for side in (0, 1):
        print(f"largest mappings ({('before', 'after')[side]}, last run): "
              + ", ".join(f"{n} {k}" for k, n in data[side]["maps"]))


if __name__ == "__main__":
    main()
