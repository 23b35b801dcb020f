#!/usr/bin/env bash
# Rewrites what the docs show from what the current binary prints: every ```text block that
# follows a ```sh block in README.md and docs/*.md (test/docs_test.py --update), the JSON Schemas
# in share/schemas/, and the pictures in docs/images/ (by the commands docs/frontier.md shows).
# For a person to review with `git diff` before committing. Usage:
#   scripts/update_docs.sh [BUILD_DIR]   (default: build; build it first)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
for f in README.md docs/*.md; do
  /usr/bin/python3 test/docs_test.py --update "$build" . "$f"
done
bash scripts/update_schemas.sh "$build/scaleplan" >/dev/null
"$build/scaleplan" frontier example:h100_2m_usd --usd 1e4:1e8 --points 25 \
  --plot docs/images/frontier.png >/dev/null
"$build/scaleplan" isoflop --law hoffmann2022 --flops 1e20,1e21,1e22 \
  --plot docs/images/isoflop.png >/dev/null
git status --short README.md docs share/schemas
