"""Helpers shared by the integration tests: the synod binary from the command line, run it with a
time limit, check for the external tools a test needs, find free ports on 127.0.0.1, and tell
whether a pid is still a live (non-zombie) process."""
import argparse
import os
import random
import shutil
import socket
import subprocess
import time


def synod_binary():
    """The path given as --synod (every integration test is run with it)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--synod", required=True)
    return ap.parse_args().synod


def missing_tools(*tools):
    """Names the first tool not on PATH (printing a FAIL line), or returns None."""
    for tool in tools:
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not installed (scripts/install-deps installs it)")
            return tool
    return None


def run(synod, *args, timeout=30):
    """Runs `synod args...`; returns CompletedProcess (text). Raises on timeout."""
    return subprocess.run([synod, *args], capture_output=True, text=True, timeout=timeout)


def free_port_range(count, attempts=50):
    """A base port such that base..base+count-1 are free on 127.0.0.1 (TCP and UDP)."""
    for _ in range(attempts):
        base = random.randint(20000, 60000 - count)
        socks = []
        try:
            for port in range(base, base + count):
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(socket.AF_INET, kind)
                    socks.append(s)
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port range")


def alive(pid):
    """True if pid runs and is not a zombie (a container's init may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def wait_for(predicate, timeout, interval=0.1):
    """Polls predicate() until it returns a truthy value or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def read_pids(cluster_dir):
    pids = {}
    with open(os.path.join(cluster_dir, "pids")) as f:
        for line in f:
            if line.strip():
                node, pid, _config = line.split(maxsplit=2)
                pids[int(node)] = int(pid)
    return pids


# Soft assertions for tests that report every check before failing (the NTP interop tests):
# check() prints "ok"/"FAIL" and records failures; the test returns 1 if `failures` is not empty.
failures = []


def check(ok, what):
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)
