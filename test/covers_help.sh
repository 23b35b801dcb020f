#!/usr/bin/env bash
# Every command and option `scaleplan --help` lists is named in FILE (a completion script, the
# man page): covers_help.sh SCALEPLAN FILE. Troff's \- counts as -.
set -u
bin=$1 file=$2
text=$(sed 's/\\-/-/g' "$file")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
options() { sed -n '/^Options:/,/^$/p' | grep -oE -- '--[a-z][a-z-]*' | grep -vx -- '--help'; }
commands=$("$bin" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NF > 1 {print $1}')
[ -n "$commands" ] || fail "no subcommands found in --help"
for c in $commands; do
  grep -qw -- "$c" <<<"$text" || fail "command $c is not in $file"
  for o in $("$bin" "$c" --help | options); do
    grep -q -- "${o#--}" <<<"$text" || fail "option $o of $c is not in $file"
  done
done
for o in $("$bin" --help | options); do
  grep -q -- "${o#--}" <<<"$text" || fail "global option $o is not in $file"
done
echo "$file covers --help: $failures missing"
[ "$failures" -eq 0 ]
