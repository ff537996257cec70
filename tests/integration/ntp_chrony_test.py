#!/usr/bin/env python3
"""Interop with chrony 4.3 (both started with -x: the system clock is never touched).

1. Our client (`synod ntp sync`: filter, selection, discipline of a software clock) against a
   chronyd serving `local stratum 8` on 127.0.0.1: synchronized at stratum 9, offsets after the
   first few updates within 100 us (same host clock on both sides, so the truth is 0).
2. chronyd as a client of `synod ntp serve` with an AES-128-CMAC key from a chrony key file
   (`server ... key 3`): chronyd accepts our authenticated replies (its measurements log has
   samples) and our server counts them as authenticated; median |offset| within 100 us.

Usage: ntp_chrony_test.py --synod PATH/TO/synod
"""
import json
import shutil
import subprocess
import sys
import tempfile
import time

from ntp_chrony import measured_offsets, start_chronyd, stop_chronyd
from synod_it import check, failures, free_port_range, missing_tools, synod_binary

LIMIT_S = 100e-6
def our_client_vs_chronyd(synod, tmp):
    port = free_port_range(1)
    chronyd, _ = start_chronyd(tmp, "server", [f"port {port}", "bindaddress 127.0.0.1",
                                               "local stratum 8", "allow 127.0.0.1"])
    try:
        r = subprocess.run([synod, "ntp", "sync", f"127.0.0.1:{port}", "--poll", "200ms",
                            "--duration", "8s"], capture_output=True, text=True, timeout=30)
        summary = json.loads(r.stdout.splitlines()[-1]) if r.stdout else {}
        settled = summary.get("offsets_s", [])[3:]
        check(r.returncode == 0 and summary.get("stratum") == 9,
              f"synced to chronyd at stratum 9: {r.stdout.splitlines()[-1:]} {r.stderr[-200:]}")
        # A loaded CI machine may get only 5-6 updates in the run; two settled ones still show
        # where the client ends up.
        check(len(settled) >= 2 and max(abs(x) for x in settled) < LIMIT_S,
              f"offsets within 100 us: {settled}")
    finally:
        stop_chronyd(chronyd)


def chronyd_vs_our_server(synod, tmp):
    keys = f"{tmp}/chrony.keys"
    with open(keys, "w") as f:
        f.write("# chrony format\n3 AES128 HEX:2b7e151628aed2a6abf7158809cf4f3c\n"
                "2 SHA1 ASCII:sha1secret\n")
    port = free_port_range(1)
    server = subprocess.Popen([synod, "ntp", "serve", "--port", str(port), "--keys", keys],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server.stdout.readline()
    chronyd, logdir = start_chronyd(tmp, "client", [
        "port 0", f"server 127.0.0.1 port {port} minpoll -4 maxpoll -4 key 3", f"keyfile {keys}"])
    try:
        time.sleep(4)
    finally:
        stop_chronyd(chronyd)
        server.terminate()
        out, _ = server.communicate(timeout=5)
    counters = json.loads(out.splitlines()[-1])
    offsets = measured_offsets(logdir)
    check(counters["authenticated"] >= 5 and counters["crypto_nak"] == 0,
          f"our server verified chronyd's AES-CMAC requests: {counters}")
    check(len(offsets) >= 5, f"chronyd accepted {len(offsets)} authenticated samples")
    # Raw samples, before chronyd's own filtering: a loaded machine delays the odd one by a
    # millisecond, so the median is what is held to 100 us.
    median = sorted(abs(x) for x in offsets)[len(offsets) // 2] if offsets else 1
    check(median < LIMIT_S, f"chronyd's median |offset| {median * 1e6:.1f} us < 100 us")


def main():
    synod = synod_binary()
    if missing_tools("chronyd"):
        return 1
    tmp = tempfile.mkdtemp(prefix="synod-chrony-")
    try:
        our_client_vs_chronyd(synod, tmp)
        chronyd_vs_our_server(synod, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("FAILED:", "; ".join(failures))
        return 1
    print("ntp chrony interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
