#!/usr/bin/env python3
"""`synod sim` as a user meets it (issue 11): bad sweep inputs are refused with exit 2 and the
reason; the replay line printed for a violation reruns that seed exactly (same trace hash); the
note that a checker's liveness window raised the stabilize phase; `--trace FILE` says how many
events the file holds and `--trace -` writes only JSONL to stdout; `synod protocols` lists the
catalog.

Usage: sim_cli_test.py --synod PATH/TO/synod
"""
import json
import shlex
import sys
import tempfile
import os

from synod_it import run, synod_binary


def refused(synod, words, *args):
    r = run(synod, "sim", *args, timeout=30)
    assert r.returncode == 2, f"{args}: exit {r.returncode}, expected 2: {r.stdout}{r.stderr}"
    assert words in r.stderr, f"{args}: stderr does not say '{words}': {r.stderr}"
    assert len(r.stderr.strip().splitlines()) == 1, f"{args}: not one line: {r.stderr}"
    print(f"refused {' '.join(args)}: {r.stderr.strip()}")


def bad_inputs(synod):
    refused(synod, "--seeds must be at least 1", "heartbeat", "--seeds", "-1")
    refused(synod, "--seeds must be at least 1", "heartbeat", "--seeds", "0")
    refused(synod, "seeds must be in [1, 10000000]", "heartbeat", "--seeds", "10000001")
    refused(synod, "--seed must not be negative", "heartbeat", "--seed", "-3")
    refused(synod, "duration must not be negative", "heartbeat", "--duration", "-5s")
    refused(synod, "stabilize must be positive", "heartbeat", "--stabilize", "0s")
    refused(synod, "stabilize must be positive", "heartbeat", "--stabilize", "-1s")
    refused(synod, "itself", "heartbeat", "--faults", "link 1>1 loss=1")
    refused(synod, "not in [1, 3]", "heartbeat", "--nodes", "3", "--faults", "@1s crash 4")
    refused(synod, "not in [1, 3]", "heartbeat", "--nodes", "3", "--faults", "clock 0 drift=5")
    refused(synod, "--nodes must be in [1, 1000]", "heartbeat", "--nodes", "10000")
    refused(synod, "--nodes must be in [1, 1000]", "heartbeat", "--nodes", "0")


def sim_json(synod, *args, timeout=300):
    r = run(synod, "sim", *args, "--json", timeout=timeout)
    assert r.returncode in (0, 1), f"{args}: exit {r.returncode}: {r.stderr}"
    return json.loads(r.stdout)


def violating_sweep(synod):
    """A sweep that finds a violation: the first mutant of the catalog (the way mutants are meant
    to be caught), else a protocol under a fault plan its checkers object to."""
    catalog = json.loads(run(synod, "protocols", "--json").stdout)
    for entry in catalog:
        if entry["mutants"] == 0:
            continue
        detail = json.loads(run(synod, "protocols", entry["name"], "--json").stdout)
        for m in detail["mutants"]:
            args = [entry["name"], "--mutant", m["tag"], "--nodes", str(m["nodes"]),
                    "--seeds", "200", "--stop-at-first", "--faults", m["faults"],
                    "--duration", "4s"]
            for k, v in m["options"].items():
                args += ["--set", f"{k}={v}"]
            j = sim_json(synod, *args)
            if j["violations"]:
                return args, j
    # No mutant: a partition that starts after the fault phase (actions after --duration still
    # happen), so heartbeat's liveness check (H5) sees live nodes that still suspect each other.
    args = ["heartbeat", "--nodes", "3", "--seeds", "3", "--duration", "2s",
            "--set", "interval=100ms", "--faults", "loss=0.1; @2500ms partition 1|2,3"]
    j = sim_json(synod, *args)
    if j["violations"]:
        return args, j
    raise AssertionError("no sweep found a violation to replay")


def replay(synod):
    args, j = violating_sweep(synod)
    v = j["violations"][0]
    print(f"violation: synod sim {' '.join(args)} -> seed {v['seed']} [{v['checker']}]")
    line = v["replay"]
    r = run(synod, "sim", *args, timeout=300)
    assert line in r.stdout, f"the text output prints another replay line:\n{r.stdout}"
    words = shlex.split(line)
    assert words[:2] == ["synod", "sim"], line
    for needed in ("--duration", "--stabilize", "--faults", "--seed", "--nodes"):
        assert needed in words, f"replay line lacks {needed}: {line}"
    if "--mutant" in args:
        assert "--mutant" in words, line
    again = sim_json(synod, *words[2:])
    assert again["violations"], f"replay found nothing: {line}"
    w = again["violations"][0]
    assert (w["checker"], w["event"], w["message"]) == (v["checker"], v["event"], v["message"]), \
        (v, w)
    assert again["trace_hash"] == v["trace_hash"], \
        f"replay hash {again['trace_hash']} != the sweep's {v['trace_hash']}: {line}"
    print(f"replayed: {line}\n  same violation, trace hash {v['trace_hash']}")


def stabilize_raised(synod):
    """Some protocol's checker needs a liveness window; with --stabilize 1ms it must be raised,
    and both outputs say so."""
    catalog = json.loads(run(synod, "protocols", "--json").stdout)
    for entry in catalog:
        j = sim_json(synod, entry["name"], "--seeds", "1", "--stabilize", "1ms", "--faults",
                     "none", "--duration", "1s")
        note = j["stabilize"].get("note")
        if not note:
            continue
        assert note.startswith("stabilize raised from 1ms to "), note
        assert note.endswith(" for " + j["stabilize"]["raised_by"]), note
        assert j["stabilize"]["effective_ns"] > 1_000_000, j["stabilize"]
        r = run(synod, "sim", entry["name"], "--seeds", "1", "--stabilize", "1ms", "--faults",
                "none", "--duration", "1s", timeout=120)
        assert note in r.stdout, f"text output lacks '{note}': {r.stdout}"
        print(f"{entry['name']}: {note}")
        return
    raise AssertionError("no protocol's checker has a liveness window above 1ms")


def traces(synod):
    with tempfile.TemporaryDirectory(prefix="synod-sim-cli-") as tmp:
        path = os.path.join(tmp, "run.jsonl")
        r = run(synod, "sim", "heartbeat", "--seed", "7", "--trace", path, "--duration", "2s",
                "--stabilize", "1s", timeout=60)
        assert r.returncode == 0, r.stderr
        with open(path) as f:
            lines = f.read().splitlines()
        assert f"holds {len(lines)} events" in r.stdout, (len(lines), r.stdout)
        print(f"--trace FILE: {r.stdout.strip().splitlines()[-1]}")
    r = run(synod, "sim", "heartbeat", "--seed", "7", "--trace", "-", "--duration", "2s",
            "--stabilize", "1s", timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    for line in out:
        json.loads(line)  # nothing but JSONL on stdout
    assert len(out) == len(lines), (len(out), len(lines))
    assert f"holds {len(out)} events" in r.stderr, r.stderr
    assert "faults:" in r.stderr, r.stderr
    print(f"--trace -: {len(out)} JSON lines on stdout, summary on stderr")


def protocols(synod):
    r = run(synod, "protocols")
    assert r.returncode == 0 and "heartbeat" in r.stdout and "MUTANTS" in r.stdout, r.stdout
    r = run(synod, "protocols", "mutex")
    assert r.returncode == 0 and "options" in r.stdout and "mutants" in r.stdout, r.stdout
    r = run(synod, "protocols", "nope")
    assert r.returncode == 2 and "unknown protocol" in r.stderr, r.stderr
    print("protocols: list, one entry, unknown name refused")


def main():
    synod = synod_binary()
    bad_inputs(synod)
    traces(synod)
    protocols(synod)
    replay(synod)
    stabilize_raised(synod)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
