#!/usr/bin/env bash
# The main job from a fresh Debian machine: install dependencies, build, and plan the example
# budget (or the budget given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >&2
cmake --build build -j2 >&2
./build/scaleplan plan "${1:-configs/examples/h100_2m_usd.yaml}"
