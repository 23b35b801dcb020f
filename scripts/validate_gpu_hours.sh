#!/usr/bin/env bash
# Validation: the model's whole-run GPU-hours against the GPU-hours labs published for 31 runs
# (bench/data/published_runs.csv; issue 10, acceptance 7: within 1.35x). Builds nothing. Runs
# scripts/validate_gpu_hours.py: one line per run (published and model GPU-hours, the ratio and
# the ratio without the goodput factor, the model's MFU and layout), skipped runs with the reason,
# then the geometric-mean ratio, the geometric-mean error exp(mean |ln ratio|) and the worst run.
# Exit 0 when the geometric-mean error over the runs with a printed GPU count is <= 1.35x, 1 when
# not, 2 on bad use.
# Usage: scripts/validate_gpu_hours.sh [BINARY]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/scaleplan}
[ -x "$bin" ] || { echo "validate_gpu_hours: no binary at $bin (build first)" >&2; exit 2; }
exec /usr/bin/python3 "$root/scripts/validate_gpu_hours.py" "$bin" \
  "$root/bench/data/published_runs.csv" --max-ratio 1.35
