#!/usr/bin/env python3
"""`synod check`, `synod cmd` and `synod local status` on real traces and a real cluster
(issue 11): every violation reported with counts per checker; a protocol's checkers read only its
own events (and refuse a trace with none); the same file given twice is read once; a partial last
line is left out and reported; a cluster that is still writing is named. `synod cmd` sends any
protocol's operator command; `local status` shows readable fields, not cut JSON.

Usage: check_cli_test.py --synod PATH/TO/synod
"""
import glob
import json
import os
import shutil
import sys
import tempfile
import time

from synod_it import free_port_range, run, synod_binary, wait_for

MUTEX = 50  # kMutexCentralProtocol: the lock service's id


def write_trace(path, events):
    with open(path, "w") as f:
        for e in events:
            f.write(json.dumps(e) + "\n")


def crafted(synod, tmp):
    """A lock trace where node 1 exits the lock five times without holding it (M1), with
    heartbeat events mixed in: five violations counted, three shown."""
    path = os.path.join(tmp, "mutex.jsonl")
    events = [{"seq": 1, "t": 1000, "k": "start", "n": 1}]
    for i in range(5):
        events.append({"seq": 2 + 2 * i, "t": 2000 + 10 * i, "k": "observe", "n": 1,
                       "proto": MUTEX, "w": "exit"})
        events.append({"seq": 3 + 2 * i, "t": 2005 + 10 * i, "k": "send", "n": 1, "p": 2,
                       "proto": 1, "b": 20})
    write_trace(path, events)
    os.utime(path, (time.time() - 10, time.time() - 10))
    r = run(synod, "check", "mutex", path)
    print(r.stdout.strip())
    assert r.returncode == 1, r.stdout + r.stderr
    assert "VIOLATION [mutex] 5 time(s)" in r.stdout, r.stdout
    assert r.stdout.count("exits without holding") == 3, r.stdout
    assert "... and 2 more" in r.stdout, r.stdout
    assert "5 violation(s)" in r.stdout, r.stdout
    assert "(5 of the protocol, 11 read)" in r.stdout, r.stdout  # the heartbeat sends filtered
    assert "still being written" not in r.stdout, r.stdout

    # The same file twice: read once, and said so (it used to double every event).
    r = run(synod, "check", "mutex", path, os.path.join(tmp, ".", "mutex.jsonl"))
    assert "same file as" in r.stdout and "VIOLATION [mutex] 5 time(s)" in r.stdout, r.stdout
    assert "from 1 trace(s)" in r.stdout, r.stdout

    # A half-written last line is left out, and reported.
    with open(path, "a") as f:
        f.write('{"seq":99,"t":9000,"k":"obs')
    r = run(synod, "check", "mutex", path)
    assert r.returncode == 1 and "partial line" in r.stdout, r.stdout + r.stderr
    assert "VIOLATION [mutex] 5 time(s)" in r.stdout, r.stdout
    assert "still being written" in r.stdout, r.stdout  # it just changed
    print("crafted trace: 5 violations counted, duplicate read once, partial line left out")

    # A trace with none of the protocol's events is refused.
    hb = os.path.join(tmp, "heartbeat.jsonl")
    write_trace(hb, [{"seq": 1, "t": 1, "k": "start", "n": 1},
                     {"seq": 2, "t": 2, "k": "send", "n": 1, "p": 2, "proto": 1, "b": 9}])
    r = run(synod, "check", "mutex", hb)
    assert r.returncode == 2 and "no event of mutex's protocol" in r.stderr, r.stdout + r.stderr
    print("trace without the protocol's events: refused")


def cluster(synod, tmp):
    d = os.path.join(tmp, "cluster")
    base = free_port_range(3)
    r = run(synod, "local", "up", "--nodes", "3", "--base-port", str(base), "--dir", d,
            "--protocols", "heartbeat,mutex-central", "--set", "mutex-central.workload=0",
            "--detach", timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    try:
        # local status: readable fields, never JSON cut at 60 characters.
        r = run(synod, "local", "status", "--dir", d)
        print(r.stdout.strip())
        assert r.returncode == 0, r.stderr
        assert "..." not in r.stdout, r.stdout
        assert "state=idle" in r.stdout and "algo=central" in r.stdout, r.stdout

        # synod cmd: any protocol's command, by node id or by data dir.
        r = run(synod, "cmd", "2", "mutex-central", "acquire", "ttl=5s", "--dir", d)
        assert r.returncode == 0, r.stdout + r.stderr
        grant = json.loads(r.stdout)
        assert grant["granted"] and grant["node"] == 2 and grant["token"] > 0, grant
        r = run(synod, "cmd", os.path.join(d, "node-2"), "mutex-central", "release")
        assert r.returncode == 0 and json.loads(r.stdout)["released"], r.stdout + r.stderr
        r = run(synod, "cmd", "2", "nope", "status", "--dir", d)
        assert r.returncode == 1 and "no protocol named nope" in r.stdout, r.stdout + r.stderr
        r = run(synod, "cmd", "9", "mutex-central", "acquire", "--dir", d)
        assert r.returncode == 2 and "no node 9" in r.stderr, r.stdout + r.stderr
        r = run(synod, "cmd", "2", "mutex-central", "acquire", "ttl 5s", "--dir", d)
        assert r.returncode == 2 and "key=value" in r.stderr, r.stdout + r.stderr
        print(f"cmd: acquire gave token {grant['token']}, release, errors refused")

        traces = sorted(glob.glob(os.path.join(d, "node-*", "trace.jsonl")))
        assert len(traces) == 3, traces
        wait_for(lambda: all(os.path.getsize(t) > 0 for t in traces), 10)
        r = run(synod, "check", "heartbeat", *traces, timeout=60)
        print(r.stdout.strip())
        assert "still being written" in r.stdout and "is still running" in r.stdout, r.stdout
        # The reliable-stream checker has nothing to judge in a heartbeat/lock run: refused.
        r = run(synod, "check", "reliable-stream", *traces, timeout=60)
        assert r.returncode == 2 and "no event of" in r.stderr, r.stdout + r.stderr
        r = run(synod, "check", "mutex", *traces, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        print("real traces: still-running nodes named, other protocol's checker refused")
    finally:
        run(synod, "local", "down", "--dir", d, timeout=30)


def main():
    synod = synod_binary()
    tmp = tempfile.mkdtemp(prefix="synod-check-cli-")
    try:
        crafted(synod, tmp)
        cluster(synod, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
