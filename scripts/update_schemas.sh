#!/usr/bin/env bash
# Rewrites share/schemas/KIND.schema.json from `scaleplan schema KIND` (the key tables in
# lib/scaleplan/io/*_yaml.cpp). CTest's schema:shipped fails until they agree. Usage:
#   scripts/update_schemas.sh [path/to/scaleplan]   (default: build/scaleplan)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/scaleplan}
for kind in budget run law gpus; do
  "$bin" schema "$kind" >"share/schemas/$kind.schema.json"
done
git status --short share/schemas
