#!/usr/bin/env python3
"""Offset noise of our NTP client vs chronyd's, against the same server in the same run.

Starts `synod ntp serve` on 127.0.0.1, then at the same time chronyd 4.3 (-x: never touches the
system clock) and `synod ntp sync`, both polling it every POLL. Both share the host clock with the
server, so every offset is pure measurement noise. Reports, per client, the samples' count, mean,
standard deviation and 99th percentile of |offset| in microseconds, as one JSON object.
Like for like: "synod" are the offsets our selection/combine step hands to the discipline (after
the clock filter) and "chronyd" are chronyd's per-source estimates after its own filter and
regression (statistics.log); "chronyd_raw" are chronyd's raw samples (measurements.log), for
reference.

Usage: bench/ntp_bench.py --synod build/synod [--seconds 20]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from ntp_chrony import estimated_offsets, measured_offsets, start_chronyd, stop_chronyd  # noqa: E402
from synod_it import free_port_range  # noqa: E402


def stats(offsets_s):
    us = [x * 1e6 for x in offsets_s]
    if len(us) < 2:
        return {"samples": len(us)}
    mags = sorted(abs(x) for x in us)
    return {"samples": len(us), "mean_us": round(statistics.fmean(us), 2),
            "stdev_us": round(statistics.stdev(us), 2),
            "p99_abs_us": round(mags[min(len(mags) - 1, int(0.99 * len(mags)))], 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synod", required=True)
    ap.add_argument("--seconds", type=int, default=20)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="synod-ntp-bench-")
    port = free_port_range(1)
    server = subprocess.Popen([a.synod, "ntp", "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    server.stdout.readline()
    chronyd = None
    try:
        # minpoll -4 = 62.5 ms: chronyd's shortest usual poll; ours polls at the same rate.
        chronyd, logdir = start_chronyd(tmp, "bench", [
            "port 0", f"server 127.0.0.1 port {port} minpoll -4 maxpoll -4"])
        ours = subprocess.run([a.synod, "ntp", "sync", f"127.0.0.1:{port}", "--poll", "62500us",
                               "--duration", f"{a.seconds}s"], capture_output=True, text=True,
                              timeout=a.seconds + 30)
        summary = json.loads(ours.stdout.splitlines()[-1])
    finally:
        if chronyd:
            stop_chronyd(chronyd)
        server.terminate()
        server.communicate(timeout=5)
    theirs = estimated_offsets(logdir)
    raw = measured_offsets(logdir)
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"bench": "ntp_offset_noise", "seconds": a.seconds, "poll_ms": 62.5,
                      "synod": stats(summary["offsets_s"][4:]), "chronyd": stats(theirs[4:]),
                      "chronyd_raw": stats(raw[4:])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
