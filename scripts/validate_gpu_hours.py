#!/usr/bin/env python3
"""The model's whole-run GPU-hours against the GPU-hours labs published for their runs.

Each row of bench/data/published_runs.csv (Llama 1/2/3, OPT, BLOOM, BloombergGPT, StarCoder,
Pythia, MPT, TinyLlama, ...; provenance in published_runs.SOURCE.md) that prints a shape, a
sequence length, a token count, a GPU the table knows and a GPU count becomes a `scaleplan check`
run file: the shape, tokens, GPU and count, and where the source prints them the layout
(tensor/pipeline/context parallel, micro-batch), the global batch and the precision; what it
does not print is left to the planner, as `check` does for any run file. The model's GPU-hours
(step time x steps x GPUs / goodput) are compared with the published figure (printed; else the
collector's arithmetic on printed figures, e.g. GPUs x days x 24).

A cell is read as its leading number ("128256 (paper: 128,000)" -> 128256); a GPU-count range
"8192-16384" as its upper end (the stage most tokens ran on); a global batch that grew
("4M tokens -> 8M -> 16M") as its last value; a precision not stated, or fp16, as bf16 (the same
tensor-core rate). Runs of 2022 and earlier are evaluated without FlashAttention (released in
May 2022). Rows that cannot be evaluated are listed with the reason. Rows whose only gap is the
GPU count are evaluated a second time at an assumed 2,048 GPUs (the count LLaMA 65B printed) and
reported apart; they do not enter the target.

A mixture of experts (dense_or_moe "MoE (S shared + E routed experts, K active, expert dim H, ...
max M nodes/token)") becomes run.moe: {experts: E, top_k: K, shared_experts: S, expert_hidden: H}
(plus max_nodes_per_token: M where printed), with the ep column as run.layout.expert_parallel and
"ZeRO-1" as zero_stage 1; a vocabulary printed as "128K" is read as 128,000. What the row does not
print (DualPipe's overlap, MLA attention, dense first layers) the model does not assume: every
layer is MoE, attention multi-head of width d_model, the all-to-all exposed. These rows are held
out: reported, never fitted to (docs/validation.md, "Mixture-of-Experts rows").

Prints one line per row (published and model GPU-hours, their ratio, and the ratio without the
goodput factor), the geometric mean of the ratio, the geometric mean of max(ratio, 1/ratio) and
the worst row. Exit status 1 when --max-ratio is given and the geometric mean of
max(ratio, 1/ratio) over the evaluated rows exceeds it, or a run file is refused.
Usage: validate_gpu_hours.py BINARY CSV [--max-ratio X]
"""
import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile

GPUS = {"A100-80GB": "A100-80GB", "A100-40GB": "A100-40GB", "H100-SXM": "H100-SXM", "H800": "H800",
        "TPU-v4": "TPU-v4"}
ASSUMED_GPUS = 2048
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


COLUMNS = ("run_id", "year", "dense_or_moe", "n_layer", "d_model", "n_head", "n_kv_heads",
           "ffn_hidden", "ffn_kind", "vocab", "seq_len", "tokens", "gpu", "gpus", "tp", "pp", "cp",
           "dp", "ep", "micro_batch", "global_batch", "precision", "gpu_hours_printed",
           "gpu_hours_computed")


def leading_number(cell):
    """The number a cell starts with (after '~' or 'up to'), else None."""
    m = re.match(r"\s*(?:~|up to\s+)?(" + NUMBER.pattern + ")", cell or "")
    return float(m.group(1)) if m else None


def gpu_count(cell):
    m = re.match(r"\s*(?:up to\s+)?(\d+)(?:\s*-\s*(\d+))?", cell or "")
    if not m:
        return None
    return int(m.group(2) or m.group(1))


def gpu_of(r):
    for prefix, name in GPUS.items():
        if r["gpu"].startswith(prefix):
            return name
    return None


def published_gpu_hours(r):
    """(GPU-hours, 'printed' | 'computed'), or (None, None)."""
    printed = r["gpu_hours_printed"]
    if printed and not re.search(r"\bper \d", printed):  # "3456 per 300B tokens" is a rate
        return leading_number(printed), "printed"
    if r["gpu_hours_computed"]:
        return leading_number(r["gpu_hours_computed"]), "computed"
    return None, None


def batch_sequences(r, seq_len):
    """Sequences per step from the global-batch cell (its last value when it grew), or None."""
    cell = r["global_batch"]
    if not cell:
        return None
    last = cell.split("->")[-1]
    m = re.search(r"(\d+) seqs", last)
    if m:
        return int(m.group(1))
    m = re.match(r"\s*(\d+(?:\.\d+)?)M", last)
    if m:  # "4M tokens" = 4 x 2^20 (LLaMA: 4M tokens = 2048 sequences of 2048)
        return max(1, round(float(m.group(1)) * 2**20 / seq_len))
    return None


MOE = re.compile(r"(\d+) shared \+ (\d+) routed experts, (\d+) active, expert dim (\d+)")


def moe_of(r):
    """run.moe's fields from the dense_or_moe cell, or None (dense, or the experts not printed)."""
    m = MOE.search(r["dense_or_moe"])
    if not m:
        return None
    moe = {"experts": int(m.group(2)), "top_k": int(m.group(3)),
           "shared_experts": int(m.group(1)), "expert_hidden": int(m.group(4))}
    nodes = re.search(r"max (\d+) nodes/token", r["dense_or_moe"])
    if nodes:
        moe["max_nodes_per_token"] = int(nodes.group(1))
    return moe


def vocab_of(cell):
    """A vocabulary cell: its leading number, "128K" read as 128,000."""
    m = re.match(r"\s*~?(\d+)K\b", cell or "")
    return int(m.group(1)) * 1000 if m else int(leading_number(cell))


def skip_reason(r, need_gpus=True):
    if "moe" in r["dense_or_moe"].lower() and not moe_of(r):
        return "mixture of experts whose experts, top-k and expert width are not printed"
    if not gpu_of(r):
        return f"GPU '{r['gpu']}' is not in configs/gpus.yaml"
    for column in ("n_layer", "d_model", "n_head"):
        if not leading_number(r[column]):
            return f"shape not printed ({column})"
    if not leading_number(r["seq_len"]):
        return "sequence length not printed"
    if not leading_number(r["tokens"]):
        return "token count not printed"
    if published_gpu_hours(r)[0] is None:
        return "no GPU-hours printed"
    if need_gpus and not gpu_count(r["gpus"]):
        return "GPU count not printed"
    return None


def run_file(r, gpus):
    i = lambda column: int(leading_number(r[column]))
    seq_len = i("seq_len")
    shape = f"n_layer: {i('n_layer')}, d_model: {i('d_model')}, n_head: {i('n_head')}"
    if leading_number(r["n_kv_heads"]):
        shape += f", n_kv_heads: {i('n_kv_heads')}"
    moe = moe_of(r)
    if moe:  # each expert's activation; its width is run.moe's expert_hidden
        shape += ", ffn_kind: swiglu" if "swiglu" in r["ffn_kind"].lower() else ""
    elif leading_number(r["ffn_hidden"]):
        kind = "swiglu" if ("swiglu" in r["ffn_kind"].lower() or "geglu" in r["ffn_kind"].lower()) \
            else "gelu"
        shape += f", ffn_hidden: {i('ffn_hidden')}, ffn_kind: {kind}"
    if leading_number(r["vocab"]):
        shape += f", vocab: {vocab_of(r['vocab'])}"
    layout = {}
    for key, column in (("tensor_parallel", "tp"), ("pipeline_parallel", "pp"),
                        ("context_parallel", "cp"), ("micro_batch_size", "micro_batch")):
        if leading_number(r[column]):
            layout[key] = i(column)
    if "ZeRO-3" in r["dp"]:
        layout["zero_stage"] = 3
    elif "ZeRO-1" in r["dp"]:
        layout["zero_stage"] = 1
    if moe and leading_number(r["ep"]):
        layout["expert_parallel"] = i("ep")
    if int(r["year"]) <= 2022:
        layout["flash_attention"] = "false"
    precision = "fp8" if "fp8" in r["precision"].lower() else "bf16"
    lines = ["run:", f"  shape: {{{shape}}}"]
    if moe:
        lines.append("  moe: {" + ", ".join(f"{k}: {v}" for k, v in moe.items()) + "}")
    lines.append(f"  tokens: {leading_number(r['tokens']):.6g}")
    batch = batch_sequences(r, seq_len)
    if batch:
        lines.append(f"  batch_tokens: {batch * seq_len}")
    lines += [f"  precision: {precision}", f"  gpu: {gpu_of(r)}", f"  gpus: {gpus}",
              f"  seq_len: {seq_len}"]
    if layout:
        lines.append("  layout: {" + ", ".join(f"{k}: {v}" for k, v in layout.items()) + "}")
    lines.append("hardware: {price_usd_per_gpu_hour: 2.0}")
    return "\n".join(lines) + "\n"


def evaluate(binary, path, r, gpus):
    with open(path, "w") as f:
        f.write(run_file(r, gpus))
    out = subprocess.run([binary, "-q", "check", path, "--format", "json"], capture_output=True,
                         text=True)
    if out.returncode not in (0, 1):
        return None, out.stderr.strip()
    try:
        result = json.loads(out.stdout)
    except ValueError as e:  # not scaleplan's JSON
        return None, f"unreadable output of check: {e}"
    tokens = result["run"]["tokens"]
    ideal = tokens / result["step"]["tokens_per_second"] * gpus / 3600
    fit = next(x for x in result["findings"] if x["name"] == "memory")["status"] != "fail"
    return (result["cost"]["gpu_hours"], ideal, result["step"]["mfu"], result["layout"], fit), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("csv")
    ap.add_argument("--max-ratio", type=float)
    args = ap.parse_args()
    reader = csv.DictReader(open(args.csv))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        print(f"validate_gpu_hours: {args.csv}: missing column(s) {', '.join(missing)}",
                  file=sys.stderr)
        sys.exit(2)
    rows = list(reader)
    ratios, assumed, moes, skipped, refused = [], [], [], [], 0
    print(f"{'run':18} {'GPUs':>6} {'published':>10} {'model':>10} {'ratio':>6} {'no goodput':>10}"
          f"  model MFU, layout")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.yaml")
        for r in rows:
            reason = skip_reason(r)
            counted = reason is None
            if reason == "GPU count not printed":
                gpus = ASSUMED_GPUS
            elif reason:
                skipped.append((r, reason))
                continue
            else:
                gpus = gpu_count(r["gpus"])
            published, how = published_gpu_hours(r)
            result, error = evaluate(args.binary, path, r, gpus)
            if error:
                print(f"{r['run_id']:18} ERROR {error}")
                refused += 1
                continue
            model, ideal, mfu, layout, fit = result
            ratio = model / published
            moe = moe_of(r) is not None
            (moes if moe else ratios if counted else assumed).append((r["run_id"], ratio))
            notes = [] if how == "printed" else ["published figure computed"]
            if not counted:
                notes.append(f"GPU count assumed {ASSUMED_GPUS}")
            if moe:
                notes.append("MoE, held out apart")
            if not fit:
                notes.append("does not fit")
            print(f"{r['run_id']:18} {gpus:6d} {published:10.4g} {model:10.4g} {ratio:6.2f} "
                  f"{ideal / published:10.2f}  {100 * mfu:.1f}%, TP{layout['tensor_parallel']} "
                  f"PP{layout['pipeline_parallel']} CP{layout['context_parallel']} "
                  + (f"EP{layout['expert_parallel']} " if "expert_parallel" in layout else "") +
                  f"mb{layout['micro_batch_size']} {layout['recompute']} ZeRO "
                  f"{layout['zero_stage']}" + (f"  ({'; '.join(notes)})" if notes else ""))
    for r, reason in skipped:
        print(f"{r['run_id']:18} SKIPPED: {reason}")

    def summary(xs):
        logs = [math.log(x) for _, x in xs]
        worst = max(xs, key=lambda x: abs(math.log(x[1])))
        within = sum(1 for v in logs if abs(v) <= math.log(1.35))
        return (f"{len(xs)} runs, geometric-mean ratio {math.exp(sum(logs) / len(logs)):.2f}, "
                f"geometric-mean error {math.exp(sum(abs(v) for v in logs) / len(logs)):.2f}x, "
                f"worst {worst[0]} {worst[1]:.2f}, {within} within 1.35x")

    print(f"\npublished runs: {len(rows)} rows, {len(ratios)} evaluated, {len(assumed)} evaluated "
          f"at an assumed GPU count, {len(moes)} mixture of experts, {len(skipped)} skipped, "
          f"{refused} refused by check")
    if ratios:
        print(f"evaluated (printed GPU count): {summary(ratios)}")
    if assumed:
        print(f"assumed GPU count (not in the target): {summary(assumed)}")
    if moes:
        print(f"mixture of experts (held out, not in the target): {summary(moes)}")
    failed = refused > 0 or not ratios
    if args.max_ratio is not None and ratios:
        error = math.exp(sum(abs(math.log(x)) for _, x in ratios) / len(ratios))
        if error > args.max_ratio:
            print(f"FAIL: geometric-mean error {error:.2f}x above {args.max_ratio}x")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
