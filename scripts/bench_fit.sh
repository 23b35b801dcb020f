#!/usr/bin/env bash
# Benchmark (issue 3): the full fit (every one of the 4,500 grid starts) and the 200-sample
# bootstrap on shared/data/chinchilla_points.csv (outliers excluded), C++ `scaleplan fit` against
# the SciPy reference of the same method (scripts/fit_reference.py: L-BFGS-B, analytic gradient,
# numpy-vectorised, as many processes as the C++ fit's threads), measured side by side in one run.
# Targets: C++ full fit >= 50x faster than SciPy; C++ full fit < 1 s.
# Usage: scripts/bench_fit.sh [BINARY] [RUNS.csv] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/scaleplan}
runs=${2:-../shared/data/chinchilla_points.csv}
repeats=${3:-3}
[ -x "$bin" ] || { echo "bench_fit: build first" >&2; exit 2; }
[ -f "$runs" ] || { echo "bench_fit: no $runs (the shared reference data)" >&2; exit 2; }
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
fit_ns=() boot_ns=()
for _ in $(seq "$repeats"); do
  t0=$(now); "$bin" -q fit "$runs" --exclude 'loss>=3.44' --bootstrap 0 --format json >/tmp/bench_fit_cpp.json; t1=$(now)
  "$bin" -q fit "$runs" --exclude 'loss>=3.44' --bootstrap 200 --format json >/dev/null; t2=$(now)
  fit_ns+=($((t1 - t0))); boot_ns+=($((t2 - t1 - (t1 - t0))))
done
cpp_fit=$(printf '%s\n' "${fit_ns[@]}" | median)
cpp_boot=$(printf '%s\n' "${boot_ns[@]}" | median)
ref=$(/usr/bin/python3 scripts/fit_reference.py "$runs" --exclude-loss-above 3.44 --bootstrap 200 --workers 2)
/usr/bin/python3 - "$cpp_fit" "$cpp_boot" "$ref" /tmp/bench_fit_cpp.json <<'PY'
import json, sys
cpp_fit, cpp_boot = float(sys.argv[1]) / 1e9, max(float(sys.argv[2]) / 1e9, 1e-3)
ref = json.loads(sys.argv[3])
cpp = json.load(open(sys.argv[4]))
same = abs(cpp["objective"] - ref["objective"]) <= 1e-6 * ref["objective"] and all(
    abs(cpp["params"][k] - ref[k]) <= 1e-4 * abs(ref[k]) for k in ("E", "A", "B", "alpha", "beta"))
print(f"full fit (4500 starts): C++ {cpp_fit:.3f} s, SciPy {ref['fit_seconds']:.3f} s -> "
      f"{ref['fit_seconds'] / cpp_fit:.1f}x (target >= 50x)")
print(f"bootstrap (200): C++ {cpp_boot:.3f} s (whole-process difference), SciPy "
      f"{ref['bootstrap_seconds']:.3f} s -> {ref['bootstrap_seconds'] / cpp_boot:.1f}x")
print(f"same result: {'yes' if same else 'NO'} (objective C++ {cpp['objective']:.8e}, "
      f"SciPy {ref['objective']:.8e})")
ok_speed = ref["fit_seconds"] / cpp_fit >= 50
ok_time = cpp_fit < 1
print(f"C++ full fit under 1 s: {'PASS' if ok_time else 'FAIL'}; 50x: {'PASS' if ok_speed else 'FAIL'}")
sys.exit(0 if (ok_speed and ok_time and same) else 1)
PY
