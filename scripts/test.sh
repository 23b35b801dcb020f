#!/usr/bin/env bash
# Builds scaleplan with warnings as errors and runs the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake -S . -B build-test -G Ninja -DSCALEPLAN_WERROR=ON -DSCALEPLAN_SHARED_DIR="$PWD/../shared"
cmake --build build-test -j2
ctest --test-dir build-test --output-on-failure -j2
