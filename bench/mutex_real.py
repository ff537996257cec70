#!/usr/bin/env python3
"""The lock service on real local clusters (N processes on 127.0.0.1, the reliable channel over
TCP, durable state fsynced as in production): messages per entry, synchronization delay and
throughput under saturation, per algorithm, for N = 3, 5, 9. Prints one JSON object.

Saturation: every node's built-in workload asks again 0-2 ms after leaving and holds 1 ms. After a
warm-up the figures come from the nodes' own traces over a fixed window:
  entries/s        "enter" events in the window / window length
  messages/entry   lock messages sent ("msg" observations, heartbeats excluded) / entries
  sync delay       from an "exit" to the next "enter" anywhere, when some node was waiting
Bounded: one cluster at a time, WINDOW seconds each, 127.0.0.1 only; every process is stopped.

Usage: bench/mutex_real.py SYNOD [--nodes 3,5,9] [--algos central,...] [--window 3]
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from synod_it import free_port_range  # noqa: E402

ALGOS = ["central", "ricart-agrawala", "suzuki-kasami", "token-ring"]
HEARTBEAT = 1
WARMUP_S = 1.5


def events(cluster):
    out = []
    for path in glob.glob(os.path.join(cluster, "node-*", "trace.jsonl")):
        with open(path) as f:
            for line in f:
                e = json.loads(line)
                if e.get("proto") == 50 and e.get("k") == "observe":
                    out.append(e)
    out.sort(key=lambda e: e["t"])
    return out


def measure(evs, start_ns, window_ns):
    end_ns = start_ns + window_ns
    entries = msgs = 0
    waiting = set()
    last_exit = None
    delays = []
    for e in evs:
        w, node, t = e["w"], e["n"], e["t"]
        inside = start_ns <= t < end_ns
        if w == "request":
            waiting.add(node)
        elif w == "enter":
            waiting.discard(node)
            if inside:
                entries += 1
                if last_exit is not None:
                    delays.append((t - last_exit) / 1e6)
            last_exit = None
        elif w == "exit":
            last_exit = t if waiting else None
        elif w == "msg" and inside and e["f"].get("type") != HEARTBEAT:
            msgs += 1
    return {
        "entries_per_sec": round(entries / (window_ns / 1e9), 1),
        "messages_per_entry": round(msgs / entries, 2) if entries else None,
        "sync_delay_ms_p50": round(statistics.median(delays), 3) if delays else None,
        "sync_delay_ms_mean": round(statistics.mean(delays), 3) if delays else None,
        "entries": entries,
    }


def run(synod, algo, nodes, window):
    tmp = tempfile.mkdtemp(prefix="synod-mutex-bench-")
    cluster = os.path.join(tmp, "c")
    proto = "mutex-" + algo
    sets = []
    for kv in ("think=1ms", "hold_min=1ms", "hold_max=1ms", "active=60m"):
        sets += ["--set", f"{proto}.{kv}"]
    try:
        base = free_port_range(nodes)
        subprocess.run([synod, "local", "up", "--nodes", str(nodes), "--protocols", proto,
                        "--base-port", str(base), "--dir", cluster, "--detach", "--log-level",
                        "warn", *sets], capture_output=True, check=True, timeout=60)
        start_ns = time.time_ns() + int(WARMUP_S * 1e9)
        time.sleep(WARMUP_S + window + 0.2)
        subprocess.run([synod, "local", "down", "--dir", cluster], capture_output=True,
                       timeout=60)
        r = measure(events(cluster), start_ns, int(window * 1e9))
        r.update({"algorithm": algo, "nodes": nodes, "window_s": window})
        return r
    finally:
        subprocess.run([synod, "local", "down", "--dir", cluster], capture_output=True,
                       timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("synod")
    ap.add_argument("--nodes", default="3,5,9")
    ap.add_argument("--algos", default=",".join(ALGOS))
    ap.add_argument("--window", type=float, default=3.0)
    a = ap.parse_args()
    results = []
    for algo in a.algos.split(","):
        for n in (int(x) for x in a.nodes.split(",")):
            r = run(a.synod, algo, n, a.window)
            print(json.dumps(r), file=sys.stderr)
            results.append(r)
    print(json.dumps({"benchmark": "mutex_real_cluster", "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
