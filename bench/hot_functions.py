#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Lists the functions of `vigil` that the running agent executes after
start-up, for the `hot_text` build option (core/hot_functions.txt).

usage: bench/hot_functions.py BUILD_DIR [--seconds S] [-o FILE]
       bench/hot_functions.py BUILD_DIR --check

Runs `vigil run` from BUILD_DIR on its bundled native checks under
valgrind's callgrind with instrumentation off, switches it on once start-up
is over, records for --seconds (several flushes, every check runs) while
/metrics is scraped every 2 s, and writes the mangled names of the functions
of `vigil` that ran, sorted.  lld places them together at the start of the
text (--symbol-ordering-file), so that the few pages the idle agent executes
are not spread over all of its code; docs/performance.md has the numbers.

--check reads the list instead and verifies that BUILD_DIR's vigil (built
with -Dhot_text=enabled) has the listed functions together: it fails if
fewer than 80 % of the names are in the binary (the list is stale:
regenerate it) or if they spread over more than twice their size.

Needs valgrind (not for --check).  BUILD_DIR may be built with hot_text
enabled or not, the names are the same; regenerate after changing what the
agent does per run.
"""
import argparse
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.request

from agent_footprint import free_port, scrape


def executed_functions(callgrind_out, binary):
    """Mangled names of the functions of `binary` with cost in a callgrind dump."""
    names = set()
    in_binary = False
    for line in open(callgrind_out, errors="replace"):
        if line.startswith("ob="):
            obj = line[3:].strip()
            in_binary = os.path.exists(obj) and os.path.samefile(obj, binary)
        elif line.startswith("fn=") and in_binary:
            # callgrind marks recursion levels as name'2; addresses are
            # functions without a symbol (PLT stubs), nothing to order.
            name = re.sub(r"'\d+$", "", line[3:].strip())
            if not name.startswith("0x"):
                names.add(name)
    return sorted(names)


def check_layout(vigil, listed):
    """Exit status for --check: 0 when the listed functions sit together."""
    # A local function can exist once per object file under one name; lld
    # places every copy, so every copy counts.
    symbols = {}
    nm = subprocess.run(["nm", "-S", "--defined-only", vigil], check=True,
                        capture_output=True, text=True).stdout
    for line in nm.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwW":
            symbols.setdefault(fields[3], []).append((int(fields[0], 16), int(fields[1], 16)))
    names = [n for n in listed if n in symbols]
    if not listed or len(names) < 0.8 * len(listed):
        print(f"FAIL: only {len(names)} of {len(listed)} listed functions are in {vigil}: "
              "regenerate the list with bench/hot_functions.py")
        return 1
    found = [copy for n in set(names) for copy in symbols[n]]
    size = sum(length for _, length in found)
    span = max(a + length for a, length in found) - min(a for a, _ in found)
    print(f"hot text: {len(names)} of {len(listed)} listed functions, {size // 1024} kB "
          f"of code within {span // 1024} kB")
    if span > 2 * size:
        print("FAIL: the listed functions are not together (was vigil linked with "
              "-Dhot_text=enabled?)")
        return 1
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--seconds", type=float, default=45)
    p.add_argument("-o", "--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "core", "hot_functions.txt"))
    p.add_argument("--check", action="store_true", help="verify BUILD's layout instead")
    args = p.parse_args()
    vigil = os.path.abspath(os.path.join(args.build, "core", "vigil"))
    if args.check:
        raise SystemExit(check_layout(vigil, open(args.output).read().split()))
    plugins = os.path.join(args.build, "native_checks")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        # conf.d of its own: vigil.yaml there would be read as a check's.
        confd = os.path.join(tmp, "conf.d")
        os.mkdir(confd)
        # A short flush interval fits several flushes in --seconds; a port of
        # its own keeps clear of an agent already running here.
        port = free_port()
        config = os.path.join(tmp, "vigil.yaml")
        with open(config, "w") as f:
            f.write(f"flush_interval: 10\noutput: none\nlisten: 127.0.0.1:{port}\n")
        agent = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--demangle=no",
             "--compress-strings=no", "--compress-pos=no", f"--callgrind-out-file={out}",
             vigil, "run", "-c", config, "--plugins", plugins, "--conf-d", confd,
             "--log-level", "info"],
            stderr=subprocess.PIPE, text=True)
        try:
            # Start-up is over when the agent logs what it schedules.  The
            # first flush comes after that, and with it the release of the
            # start-up pages: the code that runs right after that release
            # must be in the list too, or it maps cold 64 kB windows back.
            for line in agent.stderr:
                if " instances, " in line:
                    break
            else:
                raise SystemExit("the agent exited during start-up")
            threading.Thread(target=agent.stderr.read, daemon=True).start()
            subprocess.run(["callgrind_control", "-i", "on", str(agent.pid)], check=True,
                           stdout=subprocess.DEVNULL)
            # An agent is usually scraped: serving /metrics is idle work too,
            # both as Prometheus asks (keep-alive) and as a one-off client
            # (urllib: Connection: close) does.
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline:
                scrape(port)
                urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read()
                time.sleep(2)
            # Dump while running: the shutdown path is not idle work.
            subprocess.run(["callgrind_control", "-d", str(agent.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        finally:
            agent.terminate()
            agent.wait(timeout=60)
        dumps = [os.path.join(tmp, f) for f in os.listdir(tmp)
                 if f.startswith("callgrind.out.")]
        if not dumps:
            raise SystemExit("callgrind wrote no dump")
        names = executed_functions(dumps[0], vigil)
    with open(args.output, "w") as f:
        f.write("".join(n + "\n" for n in names))
    print(f"{len(names)} functions -> {args.output}")


if __name__ == "__main__":
    main()
