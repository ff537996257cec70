#!/usr/bin/env python3
"""Symmetric-mode interop with chronyd: `synod ntp peer` (a local reference, stratum 3, its clock
20 ms ahead via --clock-offset) and `chronyd -x` (local stratum 8, `peer 127.0.0.1 port P`) on
127.0.0.1, both in symmetric active mode. Our samples of chronyd must first show it 20 ms behind
(within 1 ms); chronyd must select us as its source, then report stratum 4 (ours + 1) in its own
peer packets, and our later samples of it must be within 1 ms of 0 (chronyd -x never touches the
system clock but serves its corrected time).

Usage: ntp_chrony_peer_test.py --synod PATH/TO/synod
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from ntp_chrony import start_chronyd, stop_chronyd
from synod_it import check, failures, free_port_range, missing_tools, synod_binary

LIMIT_S = 1e-3
SKEW_S = 0.020
def main():
    synod = synod_binary()
    if missing_tools("chronyd"):
        return 1
    base = free_port_range(2)
    chrony_port, our_port = base, base + 1
    tmp = tempfile.mkdtemp(prefix="synod-chrony-peer-")
    try:
        chronyd, _ = start_chronyd(tmp, "peer", [
            f"port {chrony_port}", "bindaddress 127.0.0.1", "allow 127.0.0.1",
            "local stratum 8", f"peer 127.0.0.1 port {our_port} minpoll -2 maxpoll -2"])
        try:
            ours = subprocess.run(
                [synod, "ntp", "peer", "--port", str(our_port), "--peer",
                 f"127.0.0.1:{chrony_port}", "--stratum", "3", "--poll", "250ms", "--duration",
                 "7s", "--clock-offset", f"{int(SKEW_S * 1000)}ms", "--json"],
                capture_output=True, text=True, timeout=30)
        finally:
            stop_chronyd(chronyd)
        with open(os.path.join(tmp, "peer.log")) as f:
            chrony_log = f.read()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [json.loads(l) for l in ours.stdout.splitlines() if l.startswith("{")]
    samples = [l for l in lines if "peer_sample" in l]
    for s in samples:
        print(f"  chronyd stratum {s['stratum']:2} offset {s['offset_s']:+.6f} s "
              f"delay {s['delay_s']:.6f} s")
    before = [s["offset_s"] for s in samples if s["stratum"] == 8]
    # An offset measured over a round trip of `delay` is only known to within delay/2: a sample
    # taken while the machine is loaded (delay in milliseconds) is allowed that much more.
    after = [(s["offset_s"], s["delay_s"]) for s in samples if s["stratum"] == 4]
    check(ours.returncode == 0, f"synod ntp peer ran: {ours.stderr.strip()}")
    # chronyd corrects its time one packet before it announces the new stratum, so the last
    # stratum-8 samples may already be near 0: the leading ones show the skew, the rest are synced.
    skewed = 0
    while skewed < len(before) and abs(before[skewed] + SKEW_S) < LIMIT_S:
        skewed += 1
    check(skewed >= 2 and all(abs(o) < LIMIT_S for o in before[skewed:]),
          f"chronyd measured 20 ms behind before it synced: {before}")
    check("Selected source 127.0.0.1" in chrony_log, "chronyd selected our peer as its source")
    check(len(after) >= 5 and all(abs(o) < LIMIT_S + d / 2 for o, d in after[1:]),
          f"chronyd at stratum 4 and within 1 ms of us afterwards: {len(after)} samples")
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
