#!/usr/bin/env python3
"""Leader failover on a real local cluster: time from killing the leader (SIGKILL) or freezing it
(SIGSTOP) to every other node agreeing on a new leader, per election algorithm, default settings.
Prints one JSON object. Bounded: TRIALS trials per (algorithm, signal), 127.0.0.1 only.

Usage: bench/failover.py SYNOD [--trials N] [--nodes N]
Agreement is polled on the survivors' control sockets every 10 ms, so figures include up to
~10 ms of polling delay plus the status round trips.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from synod_it import free_port_range, read_pids  # noqa: E402


def node_leader(cluster, node):
    """The leader node `node` follows, read from its control socket (None if it does not answer)."""
    path = os.path.join(cluster, f"node-{node}", "control.sock")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            s.connect(path)
            s.sendall(b"status\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        status = json.loads(data)
    except (OSError, ValueError):
        return None
    for p in status.get("protocols", {}).values():
        if isinstance(p, dict) and "leader" in p:
            return p["leader"]
    return None


def leader(cluster, nodes):
    """The leader all of `nodes` agree on, else None. Polls only these nodes, so a frozen
    (SIGSTOPped) leader does not stall the measurement with its control-socket timeout."""
    seen = {node_leader(cluster, n) for n in nodes}
    return seen.pop() if len(seen) == 1 else None


def trial(synod, algo, sig, nodes):
    tmp = tempfile.mkdtemp(prefix="synod-failover-")
    cluster = os.path.join(tmp, "c")
    pids = {}
    try:
        base = free_port_range(nodes)
        subprocess.run([synod, "local", "up", "--nodes", str(nodes), "--protocols", algo,
                        "--base-port", str(base), "--dir", cluster, "--detach"],
                       capture_output=True, check=True, timeout=60)
        pids = read_pids(cluster)
        deadline = time.monotonic() + 15
        old = None
        everyone = list(range(1, nodes + 1))
        while time.monotonic() < deadline and old != nodes:
            old = leader(cluster, everyone)
            time.sleep(0.05)
        if old != nodes:
            return None
        time.sleep(0.5)  # steady state
        start = time.monotonic()
        os.kill(pids[old], sig)
        survivors = [n for n in everyone if n != old]
        while time.monotonic() - start < 10:
            new = leader(cluster, survivors)
            if new is not None and new != old:
                return time.monotonic() - start
            time.sleep(0.01)
        return None
    finally:
        if old_stopped := pids.get(nodes):
            try:
                os.kill(old_stopped, signal.SIGCONT)
            except OSError:
                pass
        subprocess.run([synod, "local", "down", "--dir", cluster], capture_output=True, timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("synod")
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--nodes", type=int, default=5)
    a = ap.parse_args()
    results = []
    for algo in ("bully", "ring"):
        for name, sig in (("SIGKILL", signal.SIGKILL), ("SIGSTOP", signal.SIGSTOP)):
            times = [t for t in (trial(a.synod, algo, sig, a.nodes) for _ in range(a.trials))
                     if t is not None]
            ms = sorted(t * 1000 for t in times)
            results.append({
                "algorithm": algo, "signal": name, "nodes": a.nodes, "trials": a.trials,
                "completed": len(ms),
                "p50_ms": round(statistics.median(ms), 1) if ms else None,
                "max_ms": round(ms[-1], 1) if ms else None,
                "min_ms": round(ms[0], 1) if ms else None,
            })
            print(json.dumps(results[-1]), file=sys.stderr)
    print(json.dumps({"benchmark": "leader_failover", "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
