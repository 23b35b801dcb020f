#!/usr/bin/env bash
# Rewrites the golden CLI outputs (test/cli/<case>/expected.out, and expected.err where a case
# has one) from the binary, after a deliberate change of output. Review the diff before
# committing: every changed number should be explained by the change.
# Usage: scripts/update_goldens.sh [BINARY] [CASE...]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$(realpath "${1:-build/scaleplan}")
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(ls test/cli))
for c in "${cases[@]}"; do
  dir=test/cli/$c
  [ -f "$dir/cmd" ] || { echo "update_goldens: no case $c" >&2; exit 2; }
  out=$(mktemp) err=$(mktemp)
  (cd "$dir" && SCALEPLAN=$bin ROOT=$root bash -c "$(cat cmd)" >"$out" 2>"$err" </dev/null) || true
  [ -f "$dir/expected.out" ] && cp "$out" "$dir/expected.out"
  [ -f "$dir/expected.err" ] && cp "$err" "$dir/expected.err"
  rm -f "$out" "$err"
done
