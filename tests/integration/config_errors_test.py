#!/usr/bin/env python3
"""Every bad `synod node` config exits 2 with exactly one line on stderr, before starting anything.

Usage: config_errors_test.py --synod PATH/TO/synod
"""
import os
import shutil
import sys
import tempfile

from synod_it import free_port_range, run, synod_binary

GOOD = """id = 1
listen = "127.0.0.1:{port}"
protocols = ["heartbeat"]
[peers]
2 = "127.0.0.1:{peer}"
"""


def main():
    synod = synod_binary()
    tmp = tempfile.mkdtemp(prefix="synod-cfg-")
    try:
        base = free_port_range(2)
        good = GOOD.format(port=base, peer=base + 1)
        data = ["--data-dir", os.path.join(tmp, "data")]
        cases = {
            "unknown key": ("colour = \"blue\"\n" + good, [], "unknown key 'colour'"),
            "missing id": (good.replace("id = 1\n", ""), [], "missing node id"),
            "duplicate peer": (good + "02 = \"127.0.0.1:9\"\n", [], "duplicate peer id 2"),
            "self in peers": (good + "1 = \"127.0.0.1:9\"\n", [], "own id 1"),
            "bad address": (good.replace(f"127.0.0.1:{base}\"", "127.0.0.1:99999\""), [], "bad port"),
            "bad host": (good, ["--listen", "nohost:1"], "bad host"),
            "unknown protocol": (good, ["--protocols", "heartbeat,nope"], "unknown protocol 'nope'"),
            "bad option value": (good, ["--set", "heartbeat.interval=soon"], "interval"),
            "unknown option": (good, ["--set", "heartbeat.colour=1"], "colour"),
            "bad transport": (good, ["--transport", "carrier-pigeon"], "tcp or udp"),
            "bad peer flag": (good, ["--peer", "2"], "id=host:port"),
            "toml syntax": ("id = = 1\n", [], "node.toml"),
        }
        failures = []
        for name, (text, flags, needle) in cases.items():
            path = os.path.join(tmp, "node.toml")
            with open(path, "w") as f:
                f.write(text)
            r = run(synod, "node", "--config", path, *data, *flags, timeout=10)
            lines = r.stderr.splitlines()
            ok = r.returncode == 2 and len(lines) == 1 and needle in lines[0] and r.stdout == ""
            print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {r.returncode}: {r.stderr.strip()}")
            if not ok:
                failures.append(name)
        r = run(synod, "node", "--config", os.path.join(tmp, "missing.toml"), timeout=10)
        if r.returncode != 2 or len(r.stderr.splitlines()) != 1:
            failures.append("missing file")
        if failures:
            print("FAILED:", ", ".join(failures))
            return 1
        print("PASS")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
