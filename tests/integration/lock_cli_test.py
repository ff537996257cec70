#!/usr/bin/env python3
"""`synod lock` against real clusters, one per mutual-exclusion algorithm: four CLI processes
contend for the lock at once, each holds it briefly and releases it; grants carry distinct fencing
tokens that increase in grant order, `synod lock status` never shows two holders, and the mutex
checker passes on the nodes' real traces. Then error paths, the lease, and (central) a holder
killed with SIGKILL: the others get the lock once it is suspected.

Usage: lock_cli_test.py --synod PATH/TO/synod
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

ALGOS = ["central", "ricart-agrawala", "suzuki-kasami", "token-ring"]
ROUNDS = 2  # acquisitions per contending client
FAST = ["--set", "{p}.workload=0", "--set", "{p}.suspect_after=1s", "--set",
        "{p}.token_timeout=500ms"]


def up(synod, cluster, protocol):
    base = free_port_range(4)
    opts = [o.format(p=protocol) for o in FAST]
    r = run(synod, "local", "up", "--nodes", "4", "--base-port", str(base), "--dir", cluster,
            "--protocols", protocol, "--detach", *opts, timeout=60)
    assert r.returncode == 0, f"local up exited {r.returncode}: {r.stdout}{r.stderr}"


def lock(synod, cluster, *args, timeout=30):
    return run(synod, "lock", *args, "--dir", cluster, timeout=timeout)


def status(synod, cluster):
    r = lock(synod, cluster, "status", "--json")
    assert r.returncode == 0, f"lock status failed: {r.stdout}{r.stderr}"
    return json.loads(r.stdout)


def contend(synod, cluster):
    """Each node's client acquires, holds 100 ms, releases, ROUNDS times, all at once."""
    script = (
        'for i in $(seq {rounds}); do '
        '"$0" lock acquire --dir "$1" --node "$2" --json --timeout 20s || exit 1; '
        'sleep 0.1; "$0" lock release --dir "$1" --node "$2" >/dev/null || exit 1; done')
    procs = [subprocess.Popen(["bash", "-c", script.format(rounds=ROUNDS), synod, cluster, str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in (1, 2, 3, 4)]
    grants = []
    max_holders = 0
    while any(p.poll() is None for p in procs):
        max_holders = max(max_holders, status(synod, cluster)["holders"])
        time.sleep(0.05)
    for n, p in zip((1, 2, 3, 4), procs):
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, f"client {n} failed: {out}{err}"
        for line in out.splitlines():
            g = json.loads(line)
            assert g["granted"] and g["node"] == n, g
            grants.append(g)
    return grants, max_holders


def check_traces(synod, cluster, protocol):
    """The checkers of `protocol` (mutex-ALGO): the entry "mutex" without options judges only
    mutex-central's events, so it would pass any other algorithm's trace unread."""
    traces = sorted(glob.glob(os.path.join(cluster, "node-*", "trace.jsonl")))
    r = run(synod, "check", protocol, *traces, timeout=60)
    print(r.stdout.strip())
    assert r.returncode == 0, f"mutex checker on real traces: {r.stdout}{r.stderr}"


def algorithm_round(synod, tmp, algo):
    cluster = os.path.join(tmp, algo)
    up(synod, cluster, "mutex-" + algo)
    try:
        grants, max_holders = contend(synod, cluster)
        tokens = [g["token"] for g in grants]
        assert len(grants) == 4 * ROUNDS, grants
        assert len(set(tokens)) == len(tokens), f"{algo}: a fencing token was granted twice"
        assert max_holders <= 1, f"{algo}: status showed {max_holders} holders"
        print(f"{algo}: {len(grants)} grants, distinct tokens, at most one holder seen")
        check_traces(synod, cluster, "mutex-" + algo)
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)


def errors_and_lease(synod, tmp):
    cluster = os.path.join(tmp, "errors")
    up(synod, cluster, "mutex-central")
    try:
        r = lock(synod, cluster, "release", "--node", "2")
        assert r.returncode == 1 and "does not hold" in r.stderr, r.stderr
        r = lock(synod, cluster, "acquire", "--node", "9")
        assert r.returncode == 1 and "no node 9" in r.stderr, r.stderr
        r = lock(synod, cluster, "acquire", "--ttl", "soon")
        assert r.returncode == 2, r.stderr
        r = lock(synod, cluster, "acquire", "--node", "2", "--ttl", "500ms", "--json")
        assert r.returncode == 0, r.stderr
        first = json.loads(r.stdout)["token"]
        # Nobody releases: the lease hands the lock on, so node 3 gets it with a larger token.
        r = lock(synod, cluster, "acquire", "--node", "3", "--json", "--timeout", "10s")
        assert r.returncode == 0, r.stderr
        second = json.loads(r.stdout)
        assert second["token"] > first and second["waited_ms"] >= 100, second
        print(f"lease expiry passed the lock on: token {first} -> {second['token']}")

        # SIGKILL the holder: the survivors suspect it and the lock moves on.
        pids = read_pids(cluster)
        os.kill(pids[3], signal.SIGKILL)
        r = lock(synod, cluster, "acquire", "--node", "1", "--json", "--timeout", "20s",
                 timeout=40)
        assert r.returncode == 0, f"no grant after the holder died: {r.stderr}"
        third = json.loads(r.stdout)
        assert third["token"] > second["token"], (second, third)
        print(f"holder killed: node 1 got the lock with token {third['token']} after "
              f"{third['waited_ms']} ms")
        check_traces(synod, cluster, "mutex-central")
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)

    # A node running the built-in workload refuses operator commands with a clear error.
    cluster = os.path.join(tmp, "workload")
    base = free_port_range(2)
    r = run(synod, "local", "up", "--nodes", "2", "--base-port", str(base), "--dir", cluster,
            "--protocols", "mutex", "--detach", timeout=60)
    assert r.returncode == 0, r.stderr
    try:
        r = lock(synod, cluster, "acquire", "--node", "1")
        assert r.returncode == 1 and "workload=0" in r.stderr, r.stderr
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synod", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="synod-lock-")
    try:
        for algo in ALGOS:
            algorithm_round(args.synod, tmp, algo)
        errors_and_lease(args.synod, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
