#!/usr/bin/env python3
"""Predicted against measured step time for every row of a measured-step-time CSV.

Each row of shared/data/megatron_step_times.csv (Korthikanti et al. 2022, Narayanan et al. 2021,
MosaicML llm-foundry) becomes a `scaleplan check` run file: its shape, GPU, count, layout,
micro-batch, recomputation, sharding and precision as the source prints them, the fields it does
not print left to the planner, as `check` does for any run file. The tool's own step time is then
compared with what the source printed, on the source's own basis:

  measured_step_s        the iteration time (Korthikanti Table 5 and text)
  tokens_per_s_per_gpu   llm-foundry's throughput
  tflops_per_gpu         Narayanan's hardware TFLOP/s (their Eq. 3 FLOPs, recompute counted)
  mfu_pct                an MFU the source prints without a time (Korthikanti Eq. 7 FLOPs)

Prints one line per row and the mean absolute error per source and overall. Exit status 1 when
an acceptance target given on the command line is missed.
Usage: validate_step_time.py BINARY CSV [--korthikanti-mean PCT --korthikanti-max PCT --mean PCT]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

A100_PEAK = 312e12


def megatron_model_flops(r, batch):
    # Korthikanti et al. 2022 App. A Eq. 7: 72 B s L h^2 (1 + s/6h + V/12hL).
    s, l, h, v = (float(r[k]) for k in ("seq_len", "n_layer", "d_model", "vocab"))
    return 72 * batch * s * l * h * h * (1 + s / (6 * h) + v / (12 * h * l))


def narayanan_hardware_flops(r, batch):
    # Narayanan et al. 2021 Eq. 3: 96 B s l h^2 (1 + s/6h + V/16lh), recompute counted.
    s, l, h, v = (float(r[k]) for k in ("seq_len", "n_layer", "d_model", "vocab"))
    return 96 * batch * s * l * h * h * (1 + s / (6 * h) + v / (16 * l * h))


GPU_PREFIXES = {"A100-80GB": "A100-80GB", "A100-40GB": "A100-40GB", "A100-class": "A100-80GB",
                "H100-SXM": "H100-SXM", "H200": "H200", "B200": "B200"}


def gpu_of(r):
    for prefix, name in GPU_PREFIXES.items():
        if r["gpu"].startswith(prefix):
            return name
    return None


def framework_of(r):
    """The training stack a row measured, for the per-framework summary."""
    src, sharding = r["source"], r.get("sharding", "")
    if src.startswith("mosaicml"):
        return "composer-fsdp"
    if src.startswith("pytorch/torchtitan"):
        return "torchtitan"
    if "ZeRO-3" in sharding or "ZeRO stage 3" in sharding:
        return "deepspeed-zero3"
    if "MaxText" in r["model"] or "Paxml" in r["model"]:
        return "jax"
    return "megatron"


def run_file(r):
    """The run file for one row, as YAML text; None when the row lacks what a run needs."""
    src = r["source"]
    gpu = gpu_of(r)
    if not gpu or not all(r[c].isdigit() for c in ("seq_len", "global_batch_seqs", "n_layer",
                                                   "d_model", "n_head", "gpus")):
        return None
    if r.get("ep") not in (None, "", "1") or "MoE" in r["model"] or "A22B" in r["model"]:
        return None  # mixture-of-experts: not modelled yet
    old_megatron = src.startswith(("korthikanti", "narayanan", "smith2022"))
    layout = {}
    for key, column in (("tensor_parallel", "tp"), ("pipeline_parallel", "pp"),
                        ("context_parallel", "cp"), ("virtual_stages", "vp"),
                        ("micro_batch_size", "micro_batch")):
        if r.get(column, "").isdigit():
            layout[key] = int(r[column])
    if "model-parallel size 96" in r["notes"]:  # Narayanan Table 2 prints only tp x pp = 96
        layout.update(tensor_parallel=8, pipeline_parallel=12)
    rc = r["recompute"]
    if rc.startswith("selective"):
        layout["recompute"] = "selective"
    elif rc.startswith("full"):
        layout["recompute"] = "full"
    elif rc.startswith("none"):
        layout["recompute"] = "none"
    if r["seq_parallel"].startswith("yes"):
        layout["sequence_parallel"] = "true"
    elif r["seq_parallel"] == "no":
        layout["sequence_parallel"] = "false"
    sharding = r["sharding"]
    if "FULL_SHARD" in sharding or "ZeRO-3" in sharding or "ZeRO stage 3" in sharding \
            or sharding.startswith("FSDP"):
        layout["zero_stage"] = 3
    elif "SHARD_GRAD_OP" in sharding:
        layout["zero_stage"] = 2
    elif old_megatron:
        layout["zero_stage"] = 0  # Megatron 2021-22 had no distributed optimizer
    # Megatron 2021-22 materialised the attention scores and did not overlap the gradient
    # all-reduce (Korthikanti Sec. 6.3); later stacks use fused attention and overlap.
    layout["flash_attention"] = "false" if old_megatron else "true"
    layout["overlap_data_parallel"] = "false" if old_megatron else "true"
    if framework_of(r) == "composer-fsdp":
        layout["kernels"] = "eager"  # Composer: one PyTorch kernel per operation
    if src.startswith("korthikanti") and "interleaved schedule m=3" in r["notes"]:
        layout["virtual_stages"] = 3
    precision = "fp8" if "fp8" in r["precision"].lower() else "bf16"
    shape = f"n_layer: {r['n_layer']}, d_model: {r['d_model']}, n_head: {r['n_head']}"
    if r.get("n_kv_heads"):
        shape += f", n_kv_heads: {r['n_kv_heads']}"
    if r.get("ffn_hidden"):
        d, f = int(r["d_model"]), int(r["ffn_hidden"])
        kind = "gelu" if f == 4 * d else "swiglu"
        shape += f", ffn_hidden: {f}, ffn_kind: {kind}"
    if r.get("vocab"):
        shape += f", vocab: {r['vocab']}"
    batch_seqs = int(r["global_batch_seqs"])
    lines = [
        "run:",
        f"  shape: {{{shape}}}",
        "  tokens: 1.0e12",
        f"  batch_tokens: {batch_seqs * int(r['seq_len'])}",
        f"  precision: {precision}",
        f"  gpu: {gpu}",
        f"  gpus: {r['gpus']}",
        f"  seq_len: {r['seq_len']}",
        "  layout: {" + ", ".join(f"{k}: {v}" for k, v in layout.items()) + "}",
        "hardware: {price_usd_per_gpu_hour: 2.0}",
    ]
    return "\n".join(lines) + "\n"


def measured_and_predicted(r, step):
    """(basis, measured, predicted) on the source's basis; None when the row prints nothing."""
    batch = int(r["global_batch_seqs"])
    gpus = int(r["gpus"])
    seconds = step["seconds"]
    if r["measured_step_s"]:
        return "step_s", float(r["measured_step_s"]), seconds
    if r["tokens_per_s_per_gpu"]:
        return "tok/s/gpu", float(r["tokens_per_s_per_gpu"]), step["tokens_per_second"] / gpus
    if r["tflops_per_gpu"] and r["source"].startswith("narayanan"):
        return ("hw TFLOP/s", float(r["tflops_per_gpu"]),
                narayanan_hardware_flops(r, batch) / (seconds * gpus) / 1e12)
    if r["mfu_pct"] and r["source"].startswith("korthikanti"):
        return ("mfu %", float(r["mfu_pct"]),
                100 * megatron_model_flops(r, batch) / (seconds * gpus * A100_PEAK))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("csv", nargs="+")
    ap.add_argument("--korthikanti-mean", type=float)
    ap.add_argument("--korthikanti-max", type=float)
    ap.add_argument("--mean", type=float)
    args = ap.parse_args()

    rows = [r for path in args.csv for r in csv.DictReader(open(path))]
    errors = {}  # source -> list of signed relative errors
    by_framework = {}
    table5 = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.yaml")
        for r in rows:
            text = run_file(r)
            if text is None:
                continue
            with open(path, "w") as f:
                f.write(text)
            out = subprocess.run([args.binary, "-q", "check", path, "--format", "json"],
                                 capture_output=True, text=True)
            if out.returncode not in (0, 1):
                print(f"{r['source'][:12]:12} {r['table_row'][:58]:58} ERROR {out.stderr.strip()}")
                errors.setdefault(r["source"], []).append(float("nan"))
                continue
            result = json.loads(out.stdout)
            m = measured_and_predicted(r, result["step"])
            if m is None:
                continue
            basis, measured, predicted = m
            # Throughputs and times err in opposite senses; report predicted/measured - 1 of time.
            err = (predicted / measured - 1) if basis == "step_s" else (measured / predicted - 1)
            errors.setdefault(r["source"], []).append(err)
            by_framework.setdefault(framework_of(r), []).append(err)
            if r["source"].startswith("korthikanti") and r["measured_step_s"] and \
                    "Table 5" in r["table_row"]:
                table5.append(err)
            fit = next(x for x in result["findings"] if x["name"] == "memory")
            print(f"{r['source'][:12]:12} {r['table_row'][:58]:58} {basis:10} measured "
                  f"{measured:10.4g} predicted {predicted:10.4g} time error {100 * err:+6.1f}%"
                  f"{'  (does not fit)' if fit['status'] == 'fail' else ''}")

    def mean_abs(xs):
        return sum(abs(x) for x in xs) / len(xs) if xs else float("nan")

    everything = [e for xs in errors.values() for e in xs]
    print()
    for src, xs in errors.items():
        print(f"{src}: {len(xs)} rows, mean absolute error {100 * mean_abs(xs):.1f}%")
    for name, xs in by_framework.items():
        print(f"framework {name}: {len(xs)} rows, mean absolute error {100 * mean_abs(xs):.1f}%, "
              f"mean signed {100 * sum(xs) / len(xs):+.1f}%")
    print(f"Korthikanti Table 5: {len(table5)} rows, mean absolute error "
          f"{100 * mean_abs(table5):.1f}%, worst {100 * max(abs(x) for x in table5):.1f}%")
    print(f"all rows: {len(everything)}, mean absolute error {100 * mean_abs(everything):.1f}%")
    failed = False
    if args.korthikanti_mean is not None and 100 * mean_abs(table5) > args.korthikanti_mean:
        print(f"FAIL: Table 5 mean above {args.korthikanti_mean}%"); failed = True
    if args.korthikanti_max is not None and 100 * max(abs(x) for x in table5) > args.korthikanti_max:
        print(f"FAIL: a Table 5 row beyond {args.korthikanti_max}%"); failed = True
    if args.mean is not None and 100 * mean_abs(everything) > args.mean:
        print(f"FAIL: mean over all rows above {args.mean}%"); failed = True
    sys.exit(1 if failed or any(e != e for e in everything) else 0)


if __name__ == "__main__":
    main()
