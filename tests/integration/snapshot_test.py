#!/usr/bin/env python3
"""`synod snapshot` against a real 4-node bank-snapshot cluster: random transfers flow while
Chandy-Lamport snapshots are taken from the CLI (one, then one from every node at once, next to
the nodes' own periodic ones); each printed global state is complete and consistent and its
balances plus the transfers recorded in the channels add up to the initial total. The bank
checker (S1-S5, X1) then passes on the nodes' real traces, and a snapshot taken while a node is
killed is reported aborted after the timeout instead of hanging.

Usage: snapshot_test.py --synod PATH/TO/synod
"""
import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from synod_it import free_port_range, read_pids, run, wait_for

NODES = 4
INITIAL = 1000
P = "bank-snapshot"


def snapshot(synod, cluster, node, *extra, timeout=30):
    return run(synod, "snapshot", "--dir", cluster, "--node", str(node), *extra, timeout=timeout)


def assert_conserved(state, who):
    assert state["complete"] and state["consistent"], f"{who}: {state}"
    assert len(state["nodes"]) == NODES, state
    balances = sum(n["state"]["balance"] for n in state["nodes"])
    in_channels = sum(c["message"]["amount"] for c in state["channels"])
    assert balances + in_channels == NODES * INITIAL, \
        f"{who}: {balances} + {in_channels} != {NODES * INITIAL}"
    assert state["summary"]["total"] == NODES * INITIAL and state["summary"]["conserved"], state
    return balances, in_channels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synod", required=True)
    synod = os.path.abspath(ap.parse_args().synod)
    tmp = tempfile.mkdtemp(prefix="synod-snapshot-")
    cluster = os.path.join(tmp, "cluster")
    try:
        base = free_port_range(NODES)
        r = run(synod, "local", "up", "--nodes", str(NODES), "--base-port", str(base), "--dir",
                cluster, "--protocols", P, "--detach", "--set", f"{P}.interval=20ms", "--set",
                f"{P}.every=1s", "--set", f"{P}.timeout=3s", timeout=60)
        assert r.returncode == 0, f"local up exited {r.returncode}: {r.stdout}{r.stderr}"
        time.sleep(1.5)  # transfers under way

        r = snapshot(synod, cluster, 2, "--json")
        assert r.returncode == 0, f"snapshot exited {r.returncode}: {r.stdout}{r.stderr}"
        balances, in_channels = assert_conserved(json.loads(r.stdout), "node 2")
        print(f"node 2: balances {balances} + in channels {in_channels} = {NODES * INITIAL}")

        r = snapshot(synod, cluster, 3)  # the human table
        assert r.returncode == 0 and "conserved" in r.stdout and "complete" in r.stdout, r.stdout
        print(r.stdout)

        # One from every node at once: concurrent snapshots, told apart by their ids.
        procs = [subprocess.Popen([synod, "snapshot", "--dir", cluster, "--node", str(n),
                                   "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for n in range(1, NODES + 1)]
        ids = set()
        for n, p in zip(range(1, NODES + 1), procs):
            out, err = p.communicate(timeout=30)
            assert p.returncode == 0, f"node {n}: {out}{err}"
            state = json.loads(out)
            assert_conserved(state, f"concurrent, node {n}")
            ids.add((state["snapshot"]["initiator"], state["snapshot"]["seq"]))
        assert len(ids) == NODES, ids
        print(f"{NODES} concurrent snapshots complete and conserved: {sorted(ids)}")

        st = json.loads(run(synod, "status", "--data-dir",
                            os.path.join(cluster, "node-1")).stdout)
        # At least the concurrent round it initiated (its own periodic ones depend on timing).
        assert st["protocols"][P]["snapshot"]["completed"] >= 1, st

        # A node killed: its markers never come, so the snapshot is aborted at the timeout.
        pids = read_pids(cluster)
        os.kill(pids[3], signal.SIGKILL)
        t0 = time.monotonic()
        r = snapshot(synod, cluster, 1, "--json")
        took = time.monotonic() - t0
        assert r.returncode == 1, f"expected an aborted snapshot: {r.stdout}{r.stderr}"
        state = json.loads(r.stdout)
        assert not state["complete"] and "timed out" in state["reason"], state
        assert took < 15, f"abort took {took:.1f} s"
        print(f"with node 3 killed: aborted after {took:.1f} s ({state['reason']})")

        run(synod, "local", "down", "--dir", cluster, timeout=30)
        traces = sorted(glob.glob(os.path.join(cluster, "node-*", "trace.jsonl")))
        r = run(synod, "check", P, *traces, timeout=60)
        print(r.stdout.strip())
        assert r.returncode == 0, f"bank checker on real traces: {r.stdout}{r.stderr}"
        print("snapshot integration: ok")
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
