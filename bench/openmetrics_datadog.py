#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Times Datadog's own OpenMetrics V2 check on the body bench/openmetrics_bench
times Vigil's check on (tests/data/openmetrics/node_exporter.txt).

The check is the real one, datadog_checks_base 35.0.0's OpenMetricsBaseCheckV2
(what Datadog's `openmetrics` integration runs when an instance has
`openmetrics_endpoint`), from ../shared/third_party/datadog-integrations-core-35,
run by Debian's Python with Debian's packages (its README lists them:
python3-requests, python3-prometheus-client, ...).  Submissions go to the
base's stub aggregator (datadog_checks.base.stubs.aggregator), a list append
per call, where the real agent would cross into Go.

Two numbers, same instance as the C++ benchmark (namespace node, metrics
[.+], the endpoint tag, max_returned_metrics above the body's size):

  parse+submit  scraper.scrape() with the HTTP layer replaced by the body's
                lines already in memory (stream_connection_lines): the
                prometheus_client parser, V2's transformers and the stub
                aggregator.  CPU time (time.process_time), one scrape per
                iteration, the stub emptied between iterations (not timed).
  whole run     check.run() against `python3 -m http.server` serving the
                file in another process: requests' GET included.  Wall time,
                and this process's CPU time.

usage: bench/openmetrics_datadog.py [--iterations N] [--body FILE]
Exits 77 when the check or a package it imports is missing.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATADOG = os.path.join(os.path.dirname(ROOT), "shared", "third_party",
                       "datadog-integrations-core-35")
# The stub aggregator refuses tags named like the agent's own (node_exporter
# has `version`); the real agent does not check this.
os.environ.setdefault("DDEV_SKIP_GENERIC_TAGS_CHECK", "1")


def load_check():
    sys.path.insert(0, DATADOG)
    try:
        from datadog_checks.base import OpenMetricsBaseCheckV2
        from datadog_checks.base.stubs import aggregator
    except ImportError as e:
        print(f"cannot import Datadog's check from {DATADOG}: {e} "
              "(Debian packages: see its README)")
        sys.exit(77)
    return OpenMetricsBaseCheckV2, aggregator


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer")


def submissions(aggregator):
    return sum(len(v) for v in aggregator._metrics.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--body", default=os.path.join(ROOT, "tests", "data", "openmetrics",
                                                       "node_exporter.txt"))
    args = parser.parse_args()
    check_class, aggregator = load_check()
    with open(args.body, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines()

    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.abspath(args.body), os.path.join(tmp, "metrics.txt"))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/metrics.txt"
            wait_for(url)
            # V2's default limit of 2000 submissions per run would cut the
            # body short; Vigil's default is 10000.
            instance = {"openmetrics_endpoint": url, "namespace": "node", "metrics": [".+"],
                        "max_returned_metrics": 100000}
            check = check_class("openmetrics", {}, [instance])
            # The first run configures the scraper and sets the counters'
            # baselines (flush_first_value), as in the agent.
            error = check.run()
            if error:
                raise SystemExit(f"the check failed: {error[:500]}")
            whole, whole_cpu = [], []
            for _ in range(max(5, args.iterations // 5)):
                aggregator.reset()
                start, start_cpu = time.perf_counter(), time.process_time()
                error = check.run()
                whole.append(time.perf_counter() - start)
                whole_cpu.append(time.process_time() - start_cpu)
                if error:
                    raise SystemExit(f"the check failed: {error[:500]}")
        finally:
            server.terminate()
            server.wait()

    scraper = next(iter(check.scrapers.values()))
    scraper.stream_connection_lines = lambda: iter(lines)
    scraper._content_type = "text/plain; version=0.0.4"
    parse_submit = []
    count = 0
    for i in range(args.iterations + 3):
        aggregator.reset()
        if check.metric_limiter:
            check.metric_limiter.reset()  # as run() does after each check
        start = time.process_time()
        with check.adopt_namespace(scraper.namespace):
            scraper.scrape()
        elapsed = time.process_time() - start
        count = submissions(aggregator)
        if i >= 3:
            parse_submit.append(elapsed)

    print(f"body: {args.body} ({len(text)} bytes, {len(lines)} lines)")
    print(f"submissions per scrape: {count}")
    print(f"parse+submit (CPU, {len(parse_submit)} scrapes): median "
          f"{statistics.median(parse_submit) * 1e3:.2f} ms, min {min(parse_submit) * 1e3:.2f} ms")
    print(f"whole run with GET ({len(whole)} runs): wall median "
          f"{statistics.median(whole) * 1e3:.2f} ms (min {min(whole) * 1e3:.2f}), CPU median "
          f"{statistics.median(whole_cpu) * 1e3:.2f} ms (min {min(whole_cpu) * 1e3:.2f})")


if __name__ == "__main__":
    main()
