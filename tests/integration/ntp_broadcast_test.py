#!/usr/bin/env python3
"""Broadcast NTP over real multicast on loopback: `synod ntp serve --broadcast` sends mode-5
packets to 224.0.1.1 through lo (IP_MULTICAST_IF 127.0.0.1, IP_MULTICAST_LOOP on, TTL 1) and
`synod ntp sync --broadcast-client 224.0.1.1:PORT` joins the group on lo, calibrates the delay with
one client exchange (as ntpd's broadcast client does) and then disciplines its software clock
from broadcasts alone. The client's clock starts 30 ms behind (--clock-offset): its first update
must measure that (+30 ms within 5 ms) and step, later ones stay within 1 ms (median); the server must have
answered exactly one client request (the calibration): the rest was broadcasts.

Usage: ntp_broadcast_test.py --synod PATH/TO/synod
"""
import json
import subprocess
import sys

from synod_it import check, failures, free_port_range, synod_binary

GROUP = "224.0.1.1"
LIMIT_S = 1e-3
FIRST_LIMIT_S = 5e-3
OFFSET_S = 0.030
def main():
    synod = synod_binary()
    base = free_port_range(2)
    group = f"{GROUP}:{base + 1}"
    server = subprocess.Popen(
        [synod, "ntp", "serve", "--port", str(base), "--stratum", "3", "--broadcast", group,
         "--interval", "200ms", "--duration", "15s"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if "listening" not in line:
            print(f"FAIL server did not start: {line} {server.stderr.read()}")
            return 1
        client = subprocess.run(
            [synod, "ntp", "sync", "--broadcast-client", group, "--poll", "200ms", "--duration",
             "4s", "--clock-offset", f"-{int(OFFSET_S * 1000)}ms", "--json"],
            capture_output=True, text=True, timeout=20)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=5)
    print(client.stdout, client.stderr)
    lines = [json.loads(l) for l in client.stdout.splitlines() if l.startswith("{")]
    updates = [l["offset_s"] for l in lines if "update" in l]
    summary = lines[-1] if lines else {}
    check(client.returncode == 0 and summary.get("synchronized"), "client synchronized")
    check(summary.get("stratum") == 4, f"client stratum 4 (server 3): {summary.get('stratum')}")
    check(len(updates) >= 5, f"at least 5 clock updates: {len(updates)}")
    if updates:
        # The first update is one broadcast too: allow it a loaded machine's delay (2.3 ms seen
        # with both cores busy) and still tell a measured 30 ms from anything else.
        check(abs(updates[0] - OFFSET_S) < FIRST_LIMIT_S,
              f"first update measured the 30 ms error: {updates[0]:+.6f} s")
        # A broadcast carries no delay measurement: a packet the machine delayed (a loaded CI box:
        # 3.7 ms seen) shows that delay as offset. The median says whether the clock is
        # disciplined; the worst is reported.
        tail = sorted(abs(o) for o in updates[2:])
        median = tail[len(tail) // 2] if tail else 1.0
        check(tail and median < LIMIT_S,
              f"later offsets within 1 ms: median {median * 1e6:.0f} us, "
              f"worst {(tail[-1] if tail else 1.0) * 1e6:.0f} us")
    counters = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    c = counters[-1] if counters else {}
    print(out, err)
    check(c.get("replies") == 1, f"server answered one calibration request: {c.get('replies')}")
    check(c.get("broadcasts", 0) >= 15, f"server broadcast: {c.get('broadcasts')}")
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
