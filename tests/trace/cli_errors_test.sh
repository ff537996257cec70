#!/usr/bin/env bash
# `synod trace` usage errors exit 2 with exactly one line on stderr; a good run exits 0.
# Usage: cli_errors_test.sh SYNOD_BINARY FIXTURES_DIR
set -u
synod=$1
fixtures=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

expect_usage_error() {
  local what=$1
  shift
  "$synod" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [[ $rc -ne 2 || $lines -ne 1 ]]; then
    echo "FAIL $what: exit $rc, $lines stderr line(s):"
    cat "$tmp/err"
    failures=$((failures + 1))
  else
    echo "ok   $what: $(cat "$tmp/err")"
  fi
}

printf '{"t":1,"k":"start","n":1}\n{not json\n' >"$tmp/bad.jsonl"
expect_usage_error "missing file" trace svg "$tmp/nope.jsonl" -o "$tmp/x.svg"
expect_usage_error "bad trace line" trace shiviz "$tmp/bad.jsonl" -o "$tmp/x.log"
expect_usage_error "bad --from" trace html "$fixtures/small.jsonl" --from soon -o "$tmp/x.html"
expect_usage_error "bad --nodes" trace svg "$fixtures/small.jsonl" --nodes 1,x -o "$tmp/x.svg"
expect_usage_error "bad --protocol" trace svg "$fixtures/small.jsonl" --protocol nosuch -o "$tmp/x.svg"
expect_usage_error "bad --spacing" trace svg "$fixtures/small.jsonl" --spacing log -o "$tmp/x.svg"
expect_usage_error "empty window" trace svg "$fixtures/small.jsonl" --from 10s -o "$tmp/x.svg"

for fmt in shiviz svg html; do
  if ! "$synod" trace "$fmt" "$fixtures/small.jsonl" -o "$tmp/out.$fmt" >/dev/null || [[ ! -s "$tmp/out.$fmt" ]]; then
    echo "FAIL trace $fmt on a good trace"
    failures=$((failures + 1))
  fi
done
if ! cmp -s "$tmp/out.shiviz" "$fixtures/small.shiviz"; then
  echo "FAIL shiviz output differs from the golden file"
  failures=$((failures + 1))
fi
exit $((failures > 0))
