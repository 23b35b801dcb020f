#!/usr/bin/env bash
# `cmake --install` into a temporary prefix puts every file where the docs say
# (README.md, "Install"): usage: install_test.sh BUILD_DIR.
set -u
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "cmake --install failed"; exit 1; }
status=0
for f in bin/scaleplan share/man/man1/scaleplan.1 \
         share/bash-completion/completions/scaleplan share/zsh/site-functions/_scaleplan \
         share/fish/vendor_completions.d/scaleplan.fish \
         share/scaleplan/schemas/budget.schema.json share/scaleplan/schemas/run.schema.json \
         share/scaleplan/schemas/law.schema.json share/scaleplan/schemas/gpus.schema.json \
         share/scaleplan/configs/gpus.yaml share/scaleplan/configs/examples/h100_2m_usd.yaml \
         share/doc/scaleplan/README.md share/doc/scaleplan/budget.md; do
  [ -f "$prefix/$f" ] || { echo "missing: $f"; status=1; }
done
# The installed binary runs from anywhere, its examples compiled in.
(cd "$prefix" && "$prefix/bin/scaleplan" plan example:spot_small >/dev/null) ||
  { echo "the installed binary cannot plan example:spot_small"; status=1; }
[ $status -eq 0 ] && echo "every file installed"
exit $status
