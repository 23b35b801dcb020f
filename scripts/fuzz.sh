#!/usr/bin/env bash
# Runs each libFuzzer target (budget, run, law and GPU-table YAML, runs CSV, command line) for
# SECONDS (default 600) under AddressSanitizer and UndefinedBehaviorSanitizer, starting from
# fuzz/corpus/<target> (copied, so the committed seeds stay as they are). Crashes are left in build-fuzz/crashes/<target>/:
# add each reproducer to fuzz/corpus/<target>/ so CTest replays it forever after.
# Needs clang (Debian: clang, libclang-rt-14-dev). Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(budget run law gpus runs_csv cli)
CXX=${CXX:-clang++} cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSCALEPLAN_FUZZ=ON -DSCALEPLAN_SANITIZE=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j2 --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null
status=0
for t in "${targets[@]}"; do
  work=build-fuzz/corpus/$t crashes=build-fuzz/crashes/$t
  rm -rf "$work" "$crashes" && mkdir -p "$work" "$crashes" && cp fuzz/corpus/$t/* "$work"/
  echo "fuzz_$t: ${seconds}s" >&2
  # -timeout: one input taking 10 s is a finding too (a hang); -rss_limit_mb: so is 2 GB.
  if ! build-fuzz/fuzz/fuzz_$t "$work" -max_total_time="$seconds" -artifact_prefix="$crashes/" \
      -print_final_stats=1 -detect_leaks=1 -timeout=10 -rss_limit_mb=2048 \
      2>build-fuzz/fuzz_$t.log; then
    status=1; echo "fuzz_$t: FOUND A PROBLEM, see build-fuzz/fuzz_$t.log and $crashes" >&2
  fi
  runs=$(grep -m1 'stat::number_of_executed_units' build-fuzz/fuzz_$t.log | awk '{print $2}')
  echo "fuzz_$t: ${runs:-?} executions in ${seconds}s, $(ls "$crashes" | wc -l) crashes"
done
exit $status
