#!/usr/bin/env python3
"""docs/checkers.md agrees with the catalog: every mutant `synod mutants --list` knows has its
row (protocol, rule tag, the checker that catches it) in the document's table, and the table
names no mutant the catalog does not have. The table is printed by `synod mutants --markdown`."""
import os
import sys

from synod_it import run, synod_binary


def doc_rows(path):
    rows = set()
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 4 and cells[0] not in ("protocol", "") and not cells[0].startswith("-"):
                rows.add((cells[0], cells[1], cells[3]))
    return rows


def main():
    synod = synod_binary()
    doc = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "checkers.md")
    listed = run(synod, "mutants", "--list")
    if listed.returncode != 0:
        print("FAIL: synod mutants --list:", listed.stderr)
        return 1
    catalog = set()
    for line in listed.stdout.splitlines():
        protocol, tag, checker, _rule = line.split("\t", 3)
        catalog.add((protocol, tag, checker))
    if not catalog:
        print("FAIL: the catalog lists no mutants")
        return 1
    documented = doc_rows(doc)
    missing = sorted(catalog - documented)
    extra = sorted(documented - catalog)
    for m in missing:
        print("FAIL: docs/checkers.md lacks", m)
    for e in extra:
        print("FAIL: docs/checkers.md lists a mutant the catalog does not have:", e)
    if missing or extra:
        print("(regenerate the table with: build/synod mutants --markdown)")
        return 1
    print(f"OK: {len(catalog)} mutants documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
