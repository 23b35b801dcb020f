#!/usr/bin/env bash
# Runs one golden-file CLI case: test/cli/<case>/cmd holds the arguments (one line, run by bash
# from the case directory, $SCALEPLAN = the binary, $ROOT = the source tree); stdout must equal
# expected.out (numbers compared with relative tolerance 1e-6) and the exit code expected.rc.
# With expected.err, stderr must equal it too.
set -u
bin=$1 dir=$2 root=$3
cd "$dir" || exit 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
SCALEPLAN=$bin ROOT=$root bash -c "$(cat cmd)" >"$out" 2>"$err" </dev/null
rc=$?
want_rc=$(cat expected.rc 2>/dev/null || echo 0)
status=0
if [ "$rc" != "$want_rc" ]; then
  echo "exit code $rc, expected $want_rc"; status=1
fi
compare() {  # compare FILE_GOT FILE_WANT LABEL
  if ! /usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
got, want = (open(p).read() for p in sys.argv[1:3])
num = re.compile(r'-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')
def split(s): return num.split(s), [float(x) for x in num.findall(s)]
(gt, gn), (wt, wn) = split(got), split(want)
ok = gt == wt and len(gn) == len(wn) and all(
    abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1e-12 for a, b in zip(gn, wn))
sys.exit(0 if ok else 1)
PY
  then
    echo "$3 differs from expected:"; diff "$2" "$1" | head -40; status=1
  fi
}
if [ -f expected.out ]; then compare "$out" expected.out stdout; fi
if [ -f expected.err ]; then compare "$err" expected.err stderr; fi
if [ $status -ne 0 ]; then echo "--- stderr:"; head -20 "$err"; fi
exit $status
