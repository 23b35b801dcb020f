#!/usr/bin/env bash
# Benchmark (issue 5): whole-process time of `scaleplan check` on a 20-field run file against
# `scaleplan --version`, interleaved, median of N (10). Target: check / version <= 3.
# Usage: scripts/bench_check.sh [BINARY] [RUN.yaml] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/scaleplan}
run=${2:-bench/check_run_20_fields.yaml}
n=${3:-10}
[ -x "$bin" ] || { echo "bench_check: build first" >&2; exit 2; }
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

"$bin" --version >/dev/null
"$bin" check "$run" >/dev/null || [ $? -eq 1 ] || { echo "bench_check: check failed on $run" >&2; exit 2; }
check_ns=() version_ns=()
for _ in $(seq "$n"); do
  t0=$(now); "$bin" --version >/dev/null; t1=$(now)
  "$bin" -q check "$run" >/dev/null || true; t2=$(now)
  version_ns+=($((t1 - t0))); check_ns+=($((t2 - t1)))
done
v=$(printf '%s\n' "${version_ns[@]}" | median)
c=$(printf '%s\n' "${check_ns[@]}" | median)
awk -v v="$v" -v c="$c" -v n="$n" -v run="$run" 'BEGIN {
  printf "version: %.2f ms  check %s: %.2f ms  (median of %d)\n", v/1e6, run, c/1e6, n
  r = c / v; printf "check/version %.2fx (target <= 3x): %s\n", r, (r <= 3 ? "PASS" : "FAIL")
  exit (r <= 3 ? 0 : 1) }'
