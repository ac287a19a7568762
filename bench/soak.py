#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A time-compressed soak of the agent (issue 17): several hundred instances
every second, healthy and failing, in-process and isolated, some crashing and
some hanging, for --minutes, scraped every 5 s, with remote write to a real
Prometheus that is stopped for --outage seconds in the middle of the run.

usage: bench/soak.py BUILD_DIR [--minutes 10] [--scale 1] [--outage 60]

BUILD_DIR is a python build with tests (its fixtures are the misbehaving
checks).  Prints, for docs/performance.md: RSS, open descriptors and threads
at start (after warm-up) and at the end; worker processes and zombies left
after the agent exits; samples of a marker series lost across the outage;
the p99 of the scheduler's lag over the healthy instances; runs, errors,
timeouts and crashes.  Exits non-zero if a bound below is broken, so a run
is a verdict, not only numbers.  Not a CI test: it takes --minutes.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from agent_footprint import free_port, scrape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "e2e"))
from process_tree import children_of, is_vigil_worker  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
FLUSH = 1  # seconds; one marker sample per flush
# Growth allowed between the end of the warm-up and the end of the run.
RSS_GROWTH_KB = 8 * 1024
FD_GROWTH = 8

# name: (file under the build or source tree, instances at scale 1, instance keys)
CHECKS = {
    # Healthy native, in-process: the marker series comes from instance 0.
    "example": ("native_checks/example.so", 120, {}),
    # Native runs that fail every time.
    "fixture_error": ("tests/plugins/error_run_check.so", 20, {}),
    # Healthy Python, in-process.
    "gauges": ("@bench/python_checks/gauges.py", 100, {"samples": 20}),
    # Python that raises every run.
    "check_raises": ("@tests/data/python/check_raises.py", 20, {}),
    # Isolated: healthy, crashing (quarantined after 3), hanging (killed at 2 s).
    "iso_healthy": ("tests/isolation/iso_healthy.so", 20, {"isolation": "process"}),
    "iso_segfault": ("tests/isolation/iso_segfault.so", 10, {"isolation": "process"}),
    "iso_busy_loop": ("tests/isolation/iso_busy_loop.so", 10,
                      {"isolation": "process", "timeout": 2}),
    "sleeper": ("@tests/data/python/sleeper.py", 5,
                {"isolation": "process", "timeout": 2, "seconds": 30}),
}
HEALTHY = {"example", "gauges", "iso_healthy"}


def source(build, path):
    return os.path.join(ROOT, path[1:]) if path.startswith("@") else os.path.join(build, path)


def write_config(tmp, build, scale, port, rw_port):
    plugins, confd = os.path.join(tmp, "plugins"), os.path.join(tmp, "conf.d")
    os.mkdir(plugins)
    os.mkdir(confd)
    total = 0
    for name, (path, count, keys) in CHECKS.items():
        src = source(build, path)
        shutil.copy(src, os.path.join(plugins, os.path.basename(src)))
        count = max(1, int(count * scale))
        total += count
        instances = [dict(keys, min_collection_interval=1, tags=[f"i:{i}"]) for i in range(count)]
        if name == "example":
            instances[0]["tags"] = ["soak:marker"]
        with open(os.path.join(confd, name + ".yaml"), "w") as f:
            json.dump({"instances": instances}, f)  # JSON is YAML
    vigil_yaml = os.path.join(tmp, "vigil.yaml")
    with open(vigil_yaml, "w") as f:
        f.write(f"flush_interval: {FLUSH}\nhostname: soak\noutput: none\n"
                f"listen: 127.0.0.1:{port}\nrun_dir: {tmp}/run\n"
                f"check_runners: 8\n"
                f"remote_write:\n  url: http://127.0.0.1:{rw_port}/api/v1/write\n"
                f"  queue_size: 5000000\n  max_samples_per_send: 10000\n  timeout: 5\n")
    return vigil_yaml, plugins, confd, total


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return {"rss_kb": int(fields["VmRSS"].split()[0]), "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def state_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[0]


def all_workers():
    """Every `vigil worker` process on the machine (none may outlive its agent)."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and is_vigil_worker(int(p))]


def parse_metrics(text):
    """[(name, labels dict, value)] of a text exposition (enough for our own output)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        name, _, rest = head.partition("{")
        labels = {}
        for part in rest.rstrip("}").split('",'):
            if "=" in part:
                k, _, v = part.partition("=")
                labels[k] = v.strip('"')
        out.append((name, labels, float(value)))
    return out


def get_metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as r:
        return parse_metrics(r.read().decode())


def prometheus_query(port, promql):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)["data"]["result"]


def start_prometheus(tmp, port):
    log = open(os.path.join(tmp, "prometheus.log"), "a")
    proc = subprocess.Popen([PROMETHEUS, "--web.enable-remote-write-receiver",
                             f"--storage.tsdb.path={tmp}/tsdb",
                             f"--web.listen-address=127.0.0.1:{port}",
                             f"--config.file={tmp}/prometheus.yml"],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    sys.exit("prometheus did not become ready")


def stop(proc, timeout=30):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--outage", type=float, default=60)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    tmp = tempfile.mkdtemp(prefix="vigil-soak-")
    port, rw_port = free_port(), free_port()
    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1h\n")
    vigil_yaml, plugins, confd, total = write_config(tmp, build, args.scale, port, rw_port)
    print(f"{total} instances, every 1 s, for {args.minutes} min; outage {args.outage} s; "
          f"load average {os.getloadavg()}")

    prom = start_prometheus(tmp, rw_port)
    err = open(os.path.join(tmp, "vigil.err"), "w")
    agent = subprocess.Popen([os.path.join(build, "core", "vigil"), "-c", vigil_yaml, "run",
                              "--plugins", plugins, "--conf-d", confd],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    started = time.time()
    duration = args.minutes * 60
    warmup = min(60, duration / 5)
    outage_at = duration / 3
    lags, start_state, down = [], None, None
    try:
        while (elapsed := time.time() - started) < duration:
            time.sleep(5)
            if agent.poll() is not None:
                sys.exit(f"the agent exited {agent.returncode}; see {tmp}/vigil.err")
            scrape(port)
            if start_state is None and elapsed >= warmup:
                start_state = proc_status(agent.pid)
                print(f"after warm-up ({elapsed:.0f} s): {start_state}")
            if elapsed >= warmup:
                for name, labels, value in get_metrics(port):
                    if name == "vigil_check_lag_seconds" and labels.get("check") in HEALTHY:
                        lags.append(value)
            if down is None and prom is not None and elapsed >= outage_at:
                stop(prom)
                prom, down = None, time.time()
                print(f"prometheus stopped at {elapsed:.0f} s")
            if prom is None and down is not None and time.time() - down >= args.outage:
                prom = start_prometheus(tmp, rw_port)
                print(f"prometheus restarted at {time.time() - started:.0f} s")
        end_state = proc_status(agent.pid)
        health = get_metrics(port)
        workers = children_of(agent.pid)
        zombies = [p for p in workers if state_of(p) == "Z"]
        before = set(all_workers()) - set(workers)  # other agents' (tests running beside)
        print(f"at the end ({time.time() - started:.0f} s): {end_state}, "
              f"{len(workers)} worker processes")
        time.sleep(10)  # let the last flushes arrive
    finally:
        stop(agent)
        err.close()
    time.sleep(1)
    left = [p for p in all_workers() if p not in before]

    marker = prometheus_query(rw_port, 'count_over_time(example_value{soak="marker"}[1h])')
    received = int(float(marker[0]["value"][1])) if marker else 0
    stamps = prometheus_query(rw_port, 'example_value{soak="marker"}[1h]')
    times = [float(t) for t, _ in stamps[0]["values"]] if stamps else []
    gaps = [b - a for a, b in zip(times, times[1:])]
    stop(prom)

    totals = {}
    for name, labels, value in health:
        if name.startswith("vigil_check_") and name.endswith("_total"):
            key = (name, labels.get("check"))
            totals[key] = totals.get(key, 0) + value
    lag_p99 = statistics.quantiles(lags, n=100)[98] if len(lags) >= 100 else max(lags or [0])
    print(f"rss {start_state['rss_kb']} -> {end_state['rss_kb']} kB, "
          f"fds {start_state['fds']} -> {end_state['fds']}, "
          f"threads {start_state['threads']} -> {end_state['threads']}")
    print(f"marker series: {received} samples over {times[-1] - times[0]:.0f} s "
          f"(one per {FLUSH} s flush), longest gap {max(gaps):.1f} s" if times else
          "marker series: nothing received")
    print(f"scheduler lag of healthy instances: p99 {lag_p99 * 1000:.0f} ms over "
          f"{len(lags)} samples, max {max(lags or [0]) * 1000:.0f} ms")
    for check in CHECKS:
        print(f"  {check:14} " + ", ".join(
            f"{kind} {int(totals.get((f'vigil_check_{kind}_total', check), 0))}"
            for kind in ("runs", "errors", "timeouts", "crashes", "skips")))
    print(f"after exit: {len(left)} worker processes left; {len(zombies)} zombies at the end; "
          f"agent exit status {agent.returncode}; logs in {tmp}")

    broken = []
    if end_state["rss_kb"] - start_state["rss_kb"] > RSS_GROWTH_KB:
        broken.append(f"RSS grew by more than {RSS_GROWTH_KB} kB")
    if end_state["fds"] - start_state["fds"] > FD_GROWTH:
        broken.append(f"descriptors grew by more than {FD_GROWTH}")
    if left or zombies:
        broken.append("processes left behind")
    if not gaps or max(gaps) > 3 * FLUSH:
        broken.append("marker samples lost (a gap over 3 flushes)")
    if agent.returncode != 0:
        broken.append(f"agent exit status {agent.returncode}")
    for line in broken:
        print("BROKEN: " + line)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
