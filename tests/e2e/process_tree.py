# SPDX-License-Identifier: Apache-2.0
"""Processes the end-to-end tests start: stopping them (also when a test
fails), and the agent's children as /proc shows them (no worker may outlive
the agent: docs/isolation.md)."""
import os
import signal
import subprocess


def children_of(pid):
    """Pids whose parent is `pid`, from /proc/*/stat."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def is_vigil_worker(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return len(argv) > 1 and argv[1] == b"worker"


def stop(proc, sig=signal.SIGTERM, timeout=30):
    """Stops a process we started; returns its (stdout, stderr)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()
