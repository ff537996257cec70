#!/usr/bin/env python3
"""RPC over real TCP between processes: `synod local up --protocols calculator` with client slots,
then `synod rpc calc ...` client processes. Checks a result, a remote exception (DivideByZero), an
unknown method (UNIMPLEMENTED) and object (NOT_FOUND), and a server killed (SIGKILL) mid-call: the
client gets DEADLINE_EXCEEDED or UNAVAILABLE within its deadline, never a result.

Usage: rpc_calculator_test.py --synod PATH/TO/synod
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from synod_it import alive, free_port_range, read_pids, run, synod_binary


def rpc(synod, cluster, *args, timeout=30):
    return run(synod, "rpc", *args, "--dir", cluster, timeout=timeout)


def expect_error(r, code, what):
    assert r.returncode == 1, f"{what}: exit {r.returncode}, out {r.stdout!r} err {r.stderr!r}"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"synod rpc: {code}: "), f"{what}: {r.stderr!r}"
    assert r.stdout == "", f"{what}: printed a result {r.stdout!r}"
    print(f"{what}: {lines[0]}")


def main():
    synod = synod_binary()
    tmp = tempfile.mkdtemp(prefix="synod-it-rpc-")
    cluster = os.path.join(tmp, "c")
    try:
        base = free_port_range(5)
        r = run(synod, "local", "up", "--nodes", "3", "--clients", "2", "--protocols", "calculator",
                "--base-port", str(base), "--dir", cluster, "--detach", timeout=60)
        print(r.stdout, r.stderr, sep="")
        assert r.returncode == 0, f"local up exited {r.returncode}"

        for node in (1, 2, 3):
            r = rpc(synod, cluster, "calc", "add", "2", "3", "--node", str(node))
            assert r.returncode == 0 and r.stdout == "5\n", (node, r.stdout, r.stderr)
        print("calc add 2 3 = 5 on every node")
        r = rpc(synod, cluster, "calc", "divide", "-9", "2", "--node", "2")
        assert r.returncode == 0 and r.stdout == "-4\n", (r.stdout, r.stderr)
        # at-most-once state: accumulate is not idempotent; two calls add twice, no more
        r1 = rpc(synod, cluster, "calc", "accumulate", "7", "--node", "3")
        r2 = rpc(synod, cluster, "calc", "accumulate", "7", "--node", "3")
        assert (r1.stdout, r2.stdout) == ("7\n", "14\n"), (r1, r2)

        expect_error(rpc(synod, cluster, "calc", "divide", "1", "0"), "INVALID_ARGUMENT",
                     "remote exception")
        assert "[DivideByZero]" in rpc(synod, cluster, "calc", "divide", "1", "0").stderr
        expect_error(rpc(synod, cluster, "raw", "16", "9"), "UNIMPLEMENTED", "unknown method")
        expect_error(rpc(synod, cluster, "raw", "99", "1"), "NOT_FOUND", "unknown object")
        expect_error(rpc(synod, cluster, "raw", "16", "1", "ffffffff"), "INVALID_ARGUMENT",
                     "undecodable request")
        r = rpc(synod, cluster, "calc", "add", "x", "3")
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r

        # Two clients at once take the two client slots.
        procs = [subprocess.Popen([synod, "rpc", "calc", "slow_add", str(i), "1", "--delay",
                                   "500ms", "--dir", cluster], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for i in (1, 2)]
        outs = [p.communicate(timeout=30) for p in procs]
        assert [o[0] for o in outs] == ["2\n", "3\n"], outs
        print("two concurrent clients served")

        # Server killed mid-call: the call must fail (not hang, not answer).
        pids = read_pids(cluster)
        client = subprocess.Popen([synod, "rpc", "calc", "slow_add", "1", "2", "--delay", "5s",
                                   "--deadline", "3s", "--node", "2", "--dir", cluster],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        os.kill(pids[2], signal.SIGKILL)
        started = time.monotonic()
        out, err = client.communicate(timeout=30)
        took = time.monotonic() - started
        expect_error(subprocess.CompletedProcess([], client.returncode, out, err),
                     "DEADLINE_EXCEEDED", "server killed mid-call")
        assert took < 10, f"client took {took:.1f}s after the kill"
        # The other nodes still serve.
        r = rpc(synod, cluster, "calc", "add", "40", "2", "--node", "3")
        assert r.stdout == "42\n", r
        r = rpc(synod, cluster, "calc", "add", "1", "1", "--node", "2", "--deadline", "1s")
        expect_error(r, "DEADLINE_EXCEEDED", "call to the dead node")
        print("PASS")
        return 0
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)
        for pid in read_pids(cluster).values() if os.path.exists(os.path.join(cluster, "pids")) else []:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
