#!/usr/bin/env bash
# On a terminal (a pty from script(1), 80 columns) tables fit its width and a plan's warnings
# print once, in the result; into a pipe, tables are 100 columns wide and the warnings are
# logged to stderr too. Usage: terminal_test.sh SCALEPLAN. Exits 77 without script(1).
set -u
bin=$1
command -v script >/dev/null || { echo "skipped: script(1) (bsdutils) is not installed"; exit 77; }
# A chroot or container without /dev/pts has no pseudo-terminal to give script(1).
script -qec true /dev/null >/dev/null 2>&1 ||
  { echo "skipped: no pseudo-terminal here (script(1) cannot open one: is /dev/pts mounted?)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 2
# A budget far beyond the law's data: plan warns.
"$bin" init --gpu A100-80GB --flops 1e25 -o b.yaml -q || exit 2
status=0
fail() { echo "FAIL: $*"; status=1; }
on_terminal() { script -qec "stty cols $1 rows 50; $2" /dev/null | tr -d '\r'; }

out=$(on_terminal 80 "'$bin' plan b.yaml")
n=$(grep -c "N = .* outside the range" <<<"$out")
[ "$n" -eq 1 ] || fail "on a terminal the warning prints $n times, not once"
long=$(awk 'length > 80' <<<"$out")
[ -z "$long" ] || fail "plan on an 80-column terminal: lines over 80 columns: $long"
out=$(on_terminal 70 "'$bin' check example:h100_run --budget example:h100_2m_usd")
long=$(awk 'length > 70' <<<"$out")
[ -z "$long" ] || fail "check on a 70-column terminal: lines over 70 columns: $long"
grep -q "11 pass, 0 warn, 0 fail" <<<"$out" || fail "check did not run: $out"

"$bin" plan b.yaml >out.txt 2>err.txt
grep -q "outside the range" err.txt || fail "into a pipe, the warning is not logged to stderr"
grep -q "outside the range" out.txt || fail "into a pipe, the result lacks the warning"
"$bin" plan example:spot_small >out.txt 2>/dev/null
long=$(awk 'length > 100' out.txt)
[ -z "$long" ] || fail "into a pipe, lines over 100 columns: $long"
grep -q "^                 " out.txt || fail "into a pipe, the long pricing line is not wrapped"
[ $status -eq 0 ] && echo "terminal widths and warnings: ok"
exit $status
