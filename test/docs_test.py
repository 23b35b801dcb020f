#!/usr/bin/python3
"""The docs test: runs every shell command the docs show and compares its output with the one
they show.

    docs_test.py [--update] BIN_DIR SOURCE_DIR FILE

FILE is a Markdown file (README.md, docs/*.md), the man page (share/scaleplan.1: its EXAMPLES)
or `--help` (the examples `scaleplan --help` prints). In Markdown:

  * every ```sh block runs, in order, in one fresh temporary directory per file (so a block may
    use the files an earlier one wrote), with BIN_DIR first on PATH and no standard input, under
    `bash -e -o pipefail`: each command must succeed;
  * a ```text block that follows a ```sh block, with only blank lines between, is that block's
    expected standard output: numbers may differ by a relative 1e-4 (docs round), the rest must
    match exactly;
  * `<!-- docs-test: skip REASON -->` on the line before a ```sh block skips it (for commands that
    install packages or run the whole test suite), to be kept rare.

The man page's and --help's examples are one command a line, run the same way.
With --update, the expected blocks are rewritten from what the commands print now (for a person
to review: scripts/update_docs.sh). Prints how many commands ran.
"""
import difflib
import os
import re
import subprocess
import sys
import tempfile

TOLERANCE = 1e-4
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
SKIP = re.compile(r"^<!-- docs-test: skip (.+) -->$")


class Block:
    def __init__(self, code, start, skip=None):
        self.code = code          # the commands
        self.start = start        # line index of the opening fence
        self.skip = skip          # the reason, when skipped
        self.expected = None      # (first line, end line) of the text block's body
        self.output = None


def markdown_blocks(lines):
    blocks, i, last_end = [], 0, -1  # last_end: the closing fence of the last ```sh block
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i
        end = start + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        if lang == "sh":
            before = start - 1
            while before >= 0 and not lines[before].strip():
                before -= 1
            skip = SKIP.match(lines[before].strip()) if before >= 0 else None
            blocks.append(Block("\n".join(lines[start + 1:end]), start,
                                skip.group(1) if skip else None))
            last_end = end
        elif (lang == "text" and blocks and blocks[-1].expected is None and last_end >= 0 and
              all(not line.strip() for line in lines[last_end + 1:start])):
            blocks[-1].expected = (start + 1, end)
        i = end + 1
    return blocks


def example_lines(text):
    """`scaleplan ...` lines of the man page's EXAMPLES or --help's Examples."""
    out, on = [], False
    for line in text.splitlines():
        if re.match(r"^(\.SH EXAMPLES|Examples)", line):
            on = True
            continue
        if on and (line.startswith(".SH") or (not line.strip() and out)):
            break
        line = line.strip()
        if on and line.startswith("scaleplan"):
            out.append(line.replace("\\-", "-").replace("\\(aq", "'").replace("\\e", "\\"))
    return out


def count_commands(code):
    joined = re.sub(r"\\\n", " ", code)
    return sum(1 for line in joined.splitlines() if line.strip() and not line.strip().startswith("#"))


def same(got, want):
    split = lambda s: (NUMBER.split(s), [float(x) for x in NUMBER.findall(s)])
    (gt, gn), (wt, wn) = split(got), split(want)
    return gt == wt and len(gn) == len(wn) and all(
        abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) + 1e-12 for a, b in zip(gn, wn))


def main():
    args = sys.argv[1:]
    update = args[0] == "--update"
    if update:
        args = args[1:]
    bin_dir, root, name = os.path.abspath(args[0]), os.path.abspath(args[1]), args[2]
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], COLUMNS="100")
    env.pop("SCALEPLAN_SHARED_DIR", None)
    if name == "--help":
        help_text = subprocess.run([os.path.join(bin_dir, "scaleplan"), "--help"],
                                   capture_output=True, text=True, check=True).stdout
        blocks = [Block(line, 0) for line in example_lines(help_text)]
        lines = None
    else:
        path = os.path.join(root, name)
        lines = open(path).read().split("\n")
        if name.endswith(".md"):
            blocks = markdown_blocks(lines)
        else:
            blocks = [Block(line, 0) for line in example_lines("\n".join(lines))]
    failures = commands = skipped = 0
    with tempfile.TemporaryDirectory(prefix="scaleplan-docs-") as tmp:
        for b in blocks:
            if b.skip:
                skipped += count_commands(b.code)
                continue
            commands += count_commands(b.code)
            r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", b.code], cwd=tmp, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=300)
            where = f"{name}:{b.start + 1}" if lines else name
            if r.returncode != 0:
                failures += 1
                print(f"FAIL {where}: exit {r.returncode}\n$ {b.code}\n{r.stderr.strip()[-2000:]}")
                continue
            b.output = r.stdout
            if b.expected and not update:
                want = "\n".join(lines[b.expected[0]:b.expected[1]]) + "\n"
                if not same(r.stdout, want):
                    failures += 1
                    print(f"FAIL {where}: the output differs from the one shown at line "
                          f"{b.expected[0]}:\n$ {b.code}")
                    sys.stdout.writelines(difflib.unified_diff(
                        want.splitlines(True), r.stdout.splitlines(True), "shown", "printed"))
    if update and lines is not None:
        for b in reversed(blocks):
            if b.expected and b.output is not None:
                lines[b.expected[0]:b.expected[1]] = b.output.rstrip("\n").split("\n")
        open(os.path.join(root, name), "w").write("\n".join(lines))
    print(f"{name}: {commands} commands run, {skipped} skipped (marked), {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
