#!/usr/bin/env python3
"""RMI over real TCP: a bank on node 1 (`--protocols bank`, lease 1 s), accounts opened by client
processes, references handed out and passed back as transfer() arguments. A client holding two
account references and transferring between them is killed with SIGKILL mid-way: node 1's status
must show the references' exports collected within a few leases (a client that dies leaks
nothing), and the money must be conserved.

Usage: rpc_bank_test.py --synod PATH/TO/synod
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from synod_it import alive, free_port_range, read_pids, run, synod_binary, wait_for

LEASE = "1s"
COLLECT_S = 10   # lease 1 s + export grace 1 s + maintenance 0.5 s, generous for slow CI


def rpc(synod, cluster, *args):
    return run(synod, "rpc", *args, "--dir", cluster, timeout=30)


def bank_status(synod, cluster):
    r = run(synod, "status", "--data-dir", os.path.join(cluster, "node-1"), timeout=10)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["protocols"]["rpc"]


def balances(synod, cluster):
    out = {}
    for owner in ("alice", "bob"):
        r = rpc(synod, cluster, "bank", "balance", owner)
        assert r.returncode == 0, r.stderr
        name, cents = r.stdout.strip().split(": ")
        out[name] = int(cents)
    return out


def main():
    synod = synod_binary()
    tmp = tempfile.mkdtemp(prefix="synod-it-bank-")
    cluster = os.path.join(tmp, "c")
    churn = None
    try:
        base = free_port_range(4)
        r = run(synod, "local", "up", "--nodes", "2", "--clients", "2", "--protocols", "bank",
                "--set", f"bank.lease={LEASE}", "--base-port", str(base), "--dir", cluster,
                "--detach", timeout=60)
        print(r.stdout, r.stderr, sep="")
        assert r.returncode == 0, f"local up exited {r.returncode}"
        permanent = bank_status(synod, cluster)["objects"]  # DGC + bank

        r = rpc(synod, cluster, "bank", "open", "alice", "100")
        assert r.stdout == "alice: 100\n", r
        r = rpc(synod, cluster, "bank", "open", "bob")
        assert r.stdout == "bob: 0\n", r
        r = rpc(synod, cluster, "bank", "open", "bob")
        assert r.returncode == 1 and "ALREADY_EXISTS" in r.stderr, r
        r = rpc(synod, cluster, "bank", "transfer", "alice", "bob", "30")
        assert r.stdout == "alice: 70\nbob: 30\n", r
        r = rpc(synod, cluster, "bank", "transfer", "alice", "bob", "500")
        assert r.returncode == 1 and "FAILED_PRECONDITION: [InsufficientFunds]" in r.stderr, r
        r = rpc(synod, cluster, "bank", "balance", "carol")
        assert r.returncode == 1 and "NOT_FOUND" in r.stderr, r
        print("open, transfer by reference, overdraft exception, unknown account: ok")

        # Every reference the short-lived clients held is released (clean or lease expiry).
        assert wait_for(lambda: bank_status(synod, cluster)["objects"] == permanent, COLLECT_S), \
            bank_status(synod, cluster)

        churn = subprocess.Popen([synod, "rpc", "bank", "churn", "alice", "bob", "5", "--for",
                                  "60s", "--dir", cluster], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        line = churn.stdout.readline()
        assert line == "holding alice bob\n", (line, churn.stderr.read() if churn.poll() else "")
        time.sleep(1.0)
        held = bank_status(synod, cluster)
        assert held["objects"] >= permanent + 2, held
        os.kill(churn.pid, signal.SIGKILL)
        churn.wait(timeout=10)
        killed_at = time.monotonic()
        print(f"client killed mid-transfers; bank holds {held['objects'] - permanent} exports")
        assert wait_for(lambda: bank_status(synod, cluster)["objects"] == permanent, COLLECT_S), \
            f"leaked: {bank_status(synod, cluster)}"
        print(f"exports collected {time.monotonic() - killed_at:.1f}s after the kill")
        s = bank_status(synod, cluster)
        assert s["running"] == 0 and s["leases_held"] == 0, s
        b = balances(synod, cluster)
        assert b["alice"] + b["bob"] == 100, b
        print(f"money conserved: {b}")
        print("PASS")
        return 0
    finally:
        if churn is not None and churn.poll() is None:
            churn.kill()
        run(synod, "local", "down", "--dir", cluster, timeout=30)
        if os.path.exists(os.path.join(cluster, "pids")):
            for pid in read_pids(cluster).values():
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
