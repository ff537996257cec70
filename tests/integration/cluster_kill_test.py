#!/usr/bin/env python3
"""Three real `synod node` processes running heartbeat: kill one with SIGKILL and check that both
survivors suspect it within a bounded time and keep running; then `local down` leaves nothing.

Usage: cluster_kill_test.py --synod PATH/TO/synod
"""
import argparse
import json
import os
import shutil
import signal
import sys
import tempfile

from synod_it import alive, free_port_range, read_pids, run, wait_for

INTERVAL = "50ms"
TIMEOUT = "600ms"
CONVERGE_S = 15   # all nodes see each other alive
SUSPECT_S = 10    # survivors suspect the killed node (timeout is 0.6 s; generous for slow CI)


def status(synod, cluster_dir):
    r = run(synod, "local", "status", "--dir", cluster_dir, "--json", timeout=20)
    if r.returncode != 0:
        raise AssertionError(f"local status failed ({r.returncode}): {r.stderr.strip()}")
    return {n["id"]: n for n in json.loads(r.stdout)["nodes"]}


def peer_states(node):
    peers = node.get("status", {}).get("protocols", {}).get("heartbeat", {}).get("peers", {})
    return {int(k): v.get("state") for k, v in peers.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synod", required=True)
    args = ap.parse_args()
    synod = args.synod
    tmp = tempfile.mkdtemp(prefix="synod-it-")
    cluster = os.path.join(tmp, "c")
    pids = {}
    try:
        base = free_port_range(3)
        r = run(synod, "local", "up", "--nodes", "3", "--base-port", str(base), "--dir", cluster,
                "--detach", "--set", f"heartbeat.interval={INTERVAL}",
                "--set", f"heartbeat.timeout={TIMEOUT}", timeout=60)
        print(r.stdout, r.stderr, sep="")
        assert r.returncode == 0, f"local up exited {r.returncode}"
        pids = read_pids(cluster)
        assert sorted(pids) == [1, 2, 3], pids

        def all_alive():
            s = status(synod, cluster)
            return all(s[n]["state"] == "up" and
                       peer_states(s[n]) == {p: "alive" for p in (1, 2, 3) if p != n}
                       for n in (1, 2, 3))
        assert wait_for(all_alive, CONVERGE_S), f"no convergence: {status(synod, cluster)}"
        print("all three nodes see each other alive")

        os.kill(pids[3], signal.SIGKILL)

        def survivors_suspect():
            s = status(synod, cluster)
            return (s[3]["state"] == "down" and
                    all(s[n]["state"] == "up" and peer_states(s[n]).get(3) == "suspected"
                        for n in (1, 2)))
        assert wait_for(survivors_suspect, SUSPECT_S), \
            f"survivors did not suspect node 3: {status(synod, cluster)}"
        assert alive(pids[1]) and alive(pids[2]), "a survivor died"
        s = status(synod, cluster)
        for n in (1, 2):
            assert peer_states(s[n]).get(3 - n) == "alive", f"node {n} lost its live peer: {s[n]}"
        print("both survivors suspect node 3 and are still running")

        r = run(synod, "local", "down", "--dir", cluster, timeout=30)
        print(r.stdout, r.stderr, sep="")
        assert r.returncode == 0, f"local down exited {r.returncode}"
        assert not any(alive(p) for p in pids.values()), "processes left after local down"
        assert not os.path.exists(os.path.join(cluster, "pids"))

        # The survivors' traces record the suspicion for `synod check`.
        with open(os.path.join(cluster, "node-1", "trace.jsonl")) as f:
            events = [json.loads(line) for line in f if line.strip()]
        assert any(e["k"] == "observe" and e.get("w") == "suspect" and e.get("f", {}).get("peer") == 3
                   for e in events), "no suspect event in node 1's trace"
        print("PASS")
        return 0
    finally:
        for pid in pids.values():
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
