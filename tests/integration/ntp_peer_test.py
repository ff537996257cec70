#!/usr/bin/env python3
"""Symmetric (peer) NTP over real UDP on 127.0.0.1: two `synod ntp peer` processes in symmetric
active mode (mode 1) exchanging continuously, each computing offset and delay from the four
timestamps of the peer exchange (RFC 5905 org/rec/xmt bookkeeping, no request/reply).

1. Neither is a reference; B's clock runs 25 ms ahead (--clock-offset): A must measure B at
   +25 ms and B must measure A at -25 ms: the median sample within 1 ms, and every sample within
   NTP's own error bound, delay/2 (+50 us for timestamping), so a sample delayed by a loaded
   machine may be off by its delay but never more.
2. C is a local reference (stratum 2), D starts 25 ms ahead: D first measures -25 ms, steps, and
   ends synchronized at stratum 3 with later offsets within 1 ms; C then sees D within 1 ms.

Usage: ntp_peer_test.py --synod PATH/TO/synod
"""
import json
import subprocess
import sys

from synod_it import check, failures, free_port_range, synod_binary

LIMIT_S = 1e-3
SKEW_S = 0.025
def peer(synod, port, other, *extra):
    return subprocess.Popen(
        [synod, "ntp", "peer", "--port", str(port), "--peer", f"127.0.0.1:{other}", "--poll",
         "250ms", "--duration", "5s", "--json", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc):
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    samples = [(l["offset_s"], l["delay_s"]) for l in lines if "peer_sample" in l]
    updates = [l["offset_s"] for l in lines if "update" in l]
    summary = lines[-1] if lines else {}
    if err:
        print(err)
    return samples, updates, summary


def bounded(samples, expect, what):
    errors = sorted(abs(o - expect) for o, _ in samples)
    median = errors[len(errors) // 2] if errors else 1.0
    check(len(samples) >= 8 and median < LIMIT_S,
          f"{what}: {len(samples)} samples, median error {median * 1e6:.0f} us")
    bad = [(o, d) for o, d in samples if abs(o - expect) > d / 2 + 50e-6]
    check(not bad, f"{what}: every sample within delay/2 + 50 us (outside: {bad})")


def within(values, expect, what, at_least=8):
    worst = max((abs(v - expect) for v in values), default=1.0)
    check(len(values) >= at_least and worst < LIMIT_S,
          f"{what}: {len(values)} samples, worst error {worst * 1e6:.0f} us")


def main():
    synod = synod_binary()
    base = free_port_range(4)
    skew = f"{int(SKEW_S * 1000)}ms"
    a = peer(synod, base, base + 1)
    b = peer(synod, base + 1, base, "--clock-offset", skew)
    c = peer(synod, base + 2, base + 3, "--stratum", "2")
    d = peer(synod, base + 3, base + 2, "--clock-offset", skew)
    (sa, _, _), (sb, _, _) = finish(a), finish(b)
    (sc, _, _), (sd, ud, summary_d) = finish(c), finish(d)
    print(f"A sees B: {sa[:3]} ...  B sees A: {sb[:3]} ...  D updates: {ud}")
    bounded(sa, SKEW_S, "A measures B at +25 ms")
    bounded(sb, -SKEW_S, "B measures A at -25 ms")
    check(bool(ud) and abs(ud[0] + SKEW_S) < LIMIT_S,
          f"D's first update measured -25 ms: {ud[:1]}")
    check(summary_d.get("synchronized") and summary_d.get("stratum") == 3,
          f"D synchronized to C at stratum 3: {summary_d.get('stratum')}")
    within(ud[1:], 0.0, "D's updates after the step", at_least=1)
    within([o for o, _ in sd[-5:]], 0.0, "D's last samples of C", at_least=5)
    within([o for o, _ in sc[-5:]], 0.0, "C's last samples of D (after D stepped)", at_least=5)
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
