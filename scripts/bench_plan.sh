#!/usr/bin/env bash
# Benchmark: whole-process time of `scaleplan plan BUDGET` against `scaleplan --version`, the
# floor any invocation pays (loading, dynamic linking). Runs interleaved, median of N (10) each,
# after one warm-up. Target (issue 10, with the layout search): plan / version <= 5.
# Usage: scripts/bench_plan.sh [BINARY] [BUDGET] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/scaleplan}
budget=${2:-configs/examples/h100_2m_usd.yaml}
n=${3:-10}
[ -x "$bin" ] || { echo "bench_plan: build first (cmake --build build)" >&2; exit 2; }
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
"$bin" --version >/dev/null; "$bin" plan "$budget" >/dev/null
plan_ns=() version_ns=()
for _ in $(seq "$n"); do
  t0=$(now); "$bin" --version >/dev/null; t1=$(now)
  "$bin" -q plan "$budget" >/dev/null; t2=$(now)
  version_ns+=($((t1 - t0))); plan_ns+=($((t2 - t1)))
done
v=$(printf '%s\n' "${version_ns[@]}" | median)
p=$(printf '%s\n' "${plan_ns[@]}" | median)
awk -v v="$v" -v p="$p" -v n="$n" 'BEGIN {
  printf "version: %.2f ms  plan: %.2f ms  (median of %d)\n", v/1e6, p/1e6, n
  r = p / v; printf "plan/version %.2fx (target <= 5x): %s\n", r, (r <= 5 ? "PASS" : "FAIL")
  exit (r <= 5 ? 0 : 1) }'
