#!/usr/bin/env python3
"""The reliable channel over real TCP between real processes: three nodes run the reliable-stream
workload; node 2 is paused (SIGSTOP) for a second, node 3 is killed (SIGKILL) and restarted. The
channel must report the restart (a session reset) and the merged traces must pass the same
checkers the simulator runs (FIFO, no loss, no duplicates on every stream, integrity), and every
node must have delivered messages from both peers.

Usage: reliable_stream_test.py --synod PATH/TO/synod
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from synod_it import alive, free_port_range, read_pids, run, synod_binary, wait_for


def trace_kinds(path):
    kinds = {}
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e.get("k") == "observe":
                kinds.setdefault(e.get("w"), []).append(e)
    return kinds


def main():
    synod = synod_binary()
    tmp = tempfile.mkdtemp(prefix="synod-it-rs-")
    cluster = os.path.join(tmp, "c")
    restarted = None
    pids = {}
    try:
        base = free_port_range(3)
        r = run(synod, "local", "up", "--nodes", "3", "--protocols", "reliable-stream",
                "--base-port", str(base), "--dir", cluster, "--detach", timeout=60)
        print(r.stdout, r.stderr, sep="")
        assert r.returncode == 0, f"local up exited {r.returncode}"
        pids = read_pids(cluster)
        time.sleep(1.5)

        os.kill(pids[2], signal.SIGSTOP)   # a stalled peer: TCP backs up, the channel retransmits
        time.sleep(1.0)
        os.kill(pids[2], signal.SIGCONT)
        time.sleep(1.0)

        os.kill(pids[3], signal.SIGKILL)   # a crash: the restarted node is a new channel session
        assert wait_for(lambda: not alive(pids[3]), 5)
        time.sleep(0.5)
        restarted = subprocess.Popen([synod, "node", "--config", os.path.join(cluster, "node-3.toml")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.5)
        assert restarted.poll() is None, "restarted node 3 exited"
        assert alive(pids[1]) and alive(pids[2]), "a survivor died"
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)
        if restarted is not None and restarted.poll() is None:
            restarted.send_signal(signal.SIGTERM)
            try:
                restarted.wait(timeout=10)
            except subprocess.TimeoutExpired:
                restarted.kill()
        for pid in pids.values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    try:
        traces = sorted(glob.glob(os.path.join(cluster, "node-*", "trace.jsonl")))
        assert len(traces) == 3, traces
        r = run(synod, "check", "reliable-stream", *traces, timeout=60)
        print(r.stdout, r.stderr, sep="")
        assert r.returncode == 0, "checkers found a violation in the real run"

        for node, path in enumerate(traces, start=1):
            kinds = trace_kinds(path)
            senders = {e["f"].get("peer") for e in kinds.get("ch.deliver", [])}
            peers = {1, 2, 3} - {node}
            assert peers <= senders, f"node {node} delivered only from {senders}"
        resets = sum(len(trace_kinds(p).get("ch.reset", [])) for p in traces)
        assert resets >= 1, "no session reset reported after node 3 restarted"
        print(f"reliable channel over TCP: checkers clean, {resets} session reset(s) reported")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
