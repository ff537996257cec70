#!/usr/bin/env python3
"""Bad input on the real transport against an RPC node (`--protocols calculator`): a raw python
socket sends garbage, an oversized frame length, a hello from a foreign cluster, half a frame
that then stalls, a frame for an unknown protocol and malformed RPC frames from a valid peer. Each
must end in a closed connection or a counted drop; the node never crashes or hangs and still
answers a real call afterwards.

Usage: rpc_bad_input_test.py --synod PATH/TO/synod
"""
import json
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time

from synod_it import alive, free_port_range, read_pids, run, synod_binary, wait_for

FRAME_TIMEOUT_S = 5  # runtime default limits.frame_timeout


def frame(payload, flags=0):
    return struct.pack(">IB", len(payload), flags) + payload


def hello(sender, cluster="local"):
    name = cluster.encode()
    return frame(struct.pack(">BBIH", 1, 1, sender, len(name)) + name)


def data(protocol, payload):
    # Data envelope, then the runtime's causal header (varint length, then a CausalHeader whose
    # field 3 is an empty vector clock: one varint 0), then the protocol's payload.
    return frame(struct.pack(">BH", 2, protocol) + b"\x03\x1a\x01\x00" + payload)


def closed_by_peer(sock, timeout):
    """True if the node closes the connection within timeout seconds."""
    sock.settimeout(timeout)
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def main():
    synod = synod_binary()
    tmp = tempfile.mkdtemp(prefix="synod-it-bad-")
    cluster = os.path.join(tmp, "c")
    try:
        base = free_port_range(3)
        r = run(synod, "local", "up", "--nodes", "2", "--clients", "1", "--protocols", "calculator",
                "--base-port", str(base), "--dir", cluster, "--detach", timeout=60)
        assert r.returncode == 0, r.stderr
        node1 = ("127.0.0.1", base)
        client_id = 3  # the client slot: a configured peer of node 1
        pid1 = read_pids(cluster)[1]

        def status():
            r = run(synod, "status", "--data-dir", os.path.join(cluster, "node-1"), timeout=10)
            assert r.returncode == 0, f"node 1 not answering: {r.stderr}"
            return json.loads(r.stdout)

        def counters():
            return status()["runtime"]["network"]["counters"]

        def connect():
            return socket.create_connection(node1, timeout=5)

        before = counters()
        cases = {
            "garbage": b"\xde\xad\xbe\xef" * 16,
            "oversized length": struct.pack(">IB", 0xFFFFFFF0, 0),
            "17 MiB frame header": struct.pack(">IB", 17 << 20, 0) + b"x" * 1000,
            "bad flags": hello(client_id)[:4] + b"\x80" + hello(client_id)[5:],
            "bad checksum": struct.pack(">IBI", 3, 1, 12345) + b"abc",
            "foreign cluster": hello(client_id, "other"),
            "unknown sender": hello(4242),
            "data before hello": data(40, b"\x00"),
        }
        for name, blob in cases.items():
            s = connect()
            s.sendall(blob)
            assert closed_by_peer(s, 5), f"{name}: connection not closed"
            s.close()
            print(f"{name}: connection closed")
        after = counters()
        assert after["decode_errors"] + after["rejected_peers"] >= \
            before["decode_errors"] + before["rejected_peers"] + len(cases), (before, after)

        # Half a frame, then silence: closed after frame_timeout, not before, loop not stuck.
        s = connect()
        s.sendall(hello(client_id) + struct.pack(">IB", 100, 0) + b"half")
        t0 = time.monotonic()
        r = run(synod, "rpc", "calc", "add", "1", "2", "--dir", cluster, timeout=30)
        assert r.stdout == "3\n", f"node stuck behind a stalled peer: {r}"
        assert closed_by_peer(s, FRAME_TIMEOUT_S + 5), "stalled connection never closed"
        waited = time.monotonic() - t0
        assert waited > FRAME_TIMEOUT_S - 1, f"closed after {waited:.1f}s"
        s.close()
        print(f"stalled half frame: closed after {waited:.1f}s, node served meanwhile")

        # A valid peer sending nonsense inside well-formed frames: dropped and counted.
        rpc_before = status()["protocols"]["rpc"]["malformed"]
        s = connect()
        bad_rpc = [b"\xff" * 40, b"\x0a\x05\x08", b"", b"\x0a\xff\xff\xff\xff\x0f" + b"z" * 64,
                   os.urandom(4096)]
        s.sendall(hello(client_id) + b"".join(data(40, p) for p in bad_rpc) +
                  data(999, b"unknown protocol") + frame(struct.pack(">BH", 2, 40) + b"\xff\xff"))
        time.sleep(0.5)
        s.close()
        st = wait_for(lambda: (lambda x: x if x["protocols"]["rpc"]["malformed"] >= rpc_before + 3
                               else None)(status()), 10)
        assert st, status()["protocols"]["rpc"]
        assert st["runtime"]["unknown_protocol_drops"] >= 1, st["runtime"]
        assert st["runtime"]["bad_causal_headers"] >= 1, st["runtime"]
        print(f"malformed rpc frames counted: {st['protocols']['rpc']['malformed'] - rpc_before}, "
              f"unknown protocol drops: {st['runtime']['unknown_protocol_drops']}")

        # Many connections at once that never send anything: the node keeps serving.
        idle = [connect() for _ in range(50)]
        r = run(synod, "rpc", "calc", "add", "20", "22", "--dir", cluster, timeout=30)
        assert r.stdout == "42\n", r
        for c in idle:
            c.close()

        assert alive(pid1), "node 1 died"
        r = run(synod, "rpc", "calc", "divide", "9", "3", "--dir", cluster, timeout=30)
        assert r.stdout == "3\n", r
        print("PASS")
        return 0
    finally:
        run(synod, "local", "down", "--dir", cluster, timeout=30)
        if os.path.exists(os.path.join(cluster, "pids")):
            for pid in read_pids(cluster).values():
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
