#!/usr/bin/env python3
"""Predicted against measured step time for every row of a measured-step-time CSV.

Each row of a measured set (shared/data/megatron_step_times.csv: Korthikanti et al. 2022,
Narayanan et al. 2021, MosaicML llm-foundry; bench/data/step_times_extra.csv: NVIDIA
dgxc-benchmarking, NeMo, Megatron-Bridge, torchtitan, MegaScale, Llama 3 and others) becomes a
`scaleplan check` run file: its shape, GPU, count, layout, micro-batch, recomputation, sharding
and precision as the source prints them, the fields it does not print left to the planner, as
`check` does for any run file. The tool's own step time is then compared with what the source
printed, on the source's own basis:

  measured_step_s        the iteration time (Korthikanti Table 5 and text, dgxc, MegaScale, ...)
  tokens_per_s_per_gpu   a per-GPU throughput (llm-foundry, NeMo, Megatron-Bridge, torchtitan)
  tflops_per_gpu         Narayanan's hardware TFLOP/s (their Eq. 3 FLOPs, recompute counted), or
                         Llama 3's model TFLOP/s (PaLM's 6N + 12 L d s per token)
  mfu_pct                an MFU the source prints without a time (Korthikanti Eq. 7 FLOPs)

A mixture of experts is written with run.moe (experts, top_k, shared_experts, expert_hidden) and
the row's ep column as run.layout.expert_parallel. The rows print the layout but not the model's
architecture, so MOE_ARCHITECTURES below gives each model's published configuration with its
source; the row's own n_layer wins (dgxc's Grok-1 proxies have 2-64 layers). What neither prints
(a DualPipe-style overlap, node-limited routing) the model does not assume: the all-to-all is
exposed and plain. These rows are held out: reported apart, never fitted to.

A row that cannot be evaluated (a GPU the table lacks, a field the source does not print, a
layout the model cannot express) is listed with the reason, never dropped silently. Prints one
line per row (mixture-of-experts rows with their all-to-all time), then per source and per
framework the row count, mean and worst absolute error of the step time, the overall figures,
and the mixture-of-experts rows' figures apart (not in the target). Exit status 1 when an
acceptance target given on the command line is missed or a run file is refused.
Usage: validate_step_time.py BINARY CSV [--name NAME] [--korthikanti-mean PCT]
                             [--korthikanti-max PCT] [--mean PCT]
"""
import argparse
import csv
import json
import os
import re
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


def palm_flops_per_token(r):
    # Chowdhery et al. 2022 App. B: 6N + 12 L H Q T per token (N the printed parameter count);
    # the basis of Llama 3's Table 4 TFLOP/s (Dubey et al. 2024, Sec. 3.3.2).
    return 6 * float(r["n_params"]) + 12 * int(r["n_layer"]) * int(r["d_model"]) * \
        int(leading_int(r["seq_len"]))


GPU_PREFIXES = {"A100-80GB": "A100-80GB", "A100-40GB": "A100-40GB", "A100-class": "A100-80GB",
                "H100-SXM": "H100-SXM", "H200": "H200", "B200": "B200"}


def gpu_of(r):
    for prefix, name in GPU_PREFIXES.items():
        if r["gpu"].startswith(prefix):
            return name
    return None


def leading_int(cell):
    """The integer a cell starts with ("2048 (16M tokens per batch)" -> 2048), else None."""
    m = re.match(r"\s*(\d+)(?![\d.eE])", cell or "")
    return int(m.group(1)) if m else None


def framework_of(r):
    """The training stack a row measured, for the per-framework summary."""
    src, sharding = r["source"], r.get("sharding", "")
    if src.startswith("mosaicml"):
        return "composer-fsdp"
    if src.startswith("pytorch/torchtitan"):
        return "torchtitan"
    if src.startswith("jiang2024_megascale") and "MegaScale," in r["table_row"]:
        return "megascale"
    if "ZeRO-3" in sharding or "ZeRO stage 3" in sharding:
        return "deepspeed-zero3"
    if "MaxText" in r["model"] or "Paxml" in r["model"]:
        return "jax"
    if src.startswith(("jzhang38/TinyLlama", "touvron2023", "zhang2022_opt", "dao2023")):
        return "pytorch-other"
    return "megatron"


MOE = re.compile(r"MoE|A22B|A3B|a3B|a22B|DeepSeek|Grok|GPT.OSS|Qwen3", re.IGNORECASE)


def is_moe(r):
    return leading_int(r.get("ep", "")) not in (None, 1) or bool(MOE.search(r["model"])) or \
        "active" in r.get("n_params", "")


# Published configurations of the MoE models the measured sets benchmark (shape, then run.moe),
# and what the model's shape cannot say (its attention is n_head heads of d_model / n_head).
MOE_ARCHITECTURES = (
    (re.compile(r"Grok-1", re.I),
     # xai-org/grok-1 run.py TransformerConfig: emb_size 48 x 128, 48 query heads, 8 KV heads,
     # 64 layers, 8 experts, 2 selected, vocab 128 x 1024; model.py ffn_size: 8 x 6144 x 2/3 =
     # 32768, gated (three matrices).
     dict(n_layer=64, d_model=6144, n_head=48, n_kv_heads=8, vocab=131072),
     dict(experts=8, top_k=2, shared_experts=0, expert_hidden=32768), ""),
    (re.compile(r"DeepSeek-?V3", re.I),
     # DeepSeek-V3 (arXiv 2412.19437) Sec. 4.2: 61 layers, width 7168, 128 heads, 1 shared + 256
     # routed experts, 8 active, expert width 2048; vocabulary 129,280 (its config.json).
     dict(n_layer=61, d_model=7168, n_head=128, vocab=129280),
     dict(experts=256, top_k=8, shared_experts=1, expert_hidden=2048),
     "MLA attention and 3 dense layers modelled as multi-head MoE layers"),
    (re.compile(r"GPT.OSS.120B", re.I),
     # Megatron-Bridge gpt_oss_provider.py GPTOSSProvider120B: 36 layers, hidden 2880, 64 heads,
     # 8 query groups, 128 experts, top-4, moe_ffn_hidden_size 2880 (gated), vocab 201088.
     dict(n_layer=36, d_model=2880, n_head=64, n_kv_heads=8, vocab=201088),
     dict(experts=128, top_k=4, shared_experts=0, expert_hidden=2880),
     "attention 64 x 64 = 4096 wide (kv_channels 64) modelled as 2880; sliding-window layers "
     "modelled as full attention"),
    (re.compile(r"Qwen3.30B.a3B", re.I),
     # Megatron-Bridge qwen_provider.py Qwen3MoEModelProvider30B_A3B: 48 layers, hidden 2048,
     # 32 heads, 4 query groups, 128 experts, top-8, moe_ffn_hidden_size 768, vocab 151936.
     dict(n_layer=48, d_model=2048, n_head=32, n_kv_heads=4, vocab=151936),
     dict(experts=128, top_k=8, shared_experts=0, expert_hidden=768),
     "attention 32 x 128 = 4096 wide (kv_channels 128) modelled as 2048"),
    (re.compile(r"Qwen3.235B.a22B", re.I),
     # Megatron-Bridge qwen_provider.py Qwen3MoEModelProvider235B_A22B: 94 layers, hidden 4096,
     # 64 heads, 4 query groups, 128 experts, top-8, moe_ffn_hidden_size 1536, vocab 151936.
     dict(n_layer=94, d_model=4096, n_head=64, n_kv_heads=4, vocab=151936),
     dict(experts=128, top_k=8, shared_experts=0, expert_hidden=1536),
     "attention 64 x 128 = 8192 wide (kv_channels 128) modelled as 4096"),
)


def moe_architecture(r):
    """(shape, moe, approximation) for an MoE row's model, or None."""
    for pattern, shape, moe, note in MOE_ARCHITECTURES:
        if pattern.search(r["model"]):
            return shape, moe, note
    return None


def data_parallel(r):
    tp, pp, cp = (leading_int(r.get(c, "")) or 1 for c in ("tp", "pp", "cp"))
    return leading_int(r["gpus"]) // (tp * pp * cp)


def global_batch(r):
    """(sequences, how it was found) or (None, None)."""
    b = leading_int(r["global_batch_seqs"])
    if b:
        return b, "printed"
    # torchtitan's benchmarks run without gradient accumulation: the global batch is the local
    # batch on each data-parallel rank (its Table 2/6 print the local batch and the FSDP degree).
    if r["source"].startswith("pytorch/torchtitan") and not r.get("grad_accum") and \
            leading_int(r.get("micro_batch")) and leading_int(r.get("dp")):
        return leading_int(r["micro_batch"]) * leading_int(r["dp"]), "micro_batch x dp"
    return None, None


def skip_reason(r):
    """Why a row cannot be evaluated, or None."""
    moe = is_moe(r) and moe_architecture(r)
    if is_moe(r) and not moe:
        return "mixture of experts whose architecture this script does not know"
    if not gpu_of(r):
        return f"GPU '{r['gpu'].split(' ')[0]}' is not in configs/gpus.yaml"
    for column in ("n_layer", "d_model", "n_head"):
        if not leading_int(r[column]) and not moe:
            return f"shape not printed ({column})"
    if moe and leading_int(r.get("ep")) and leading_int(r["gpus"]) and \
            data_parallel(r) % leading_int(r["ep"]) != 0:
        return f"expert parallelism {leading_int(r['ep'])} does not divide the data-parallel " \
               f"degree {data_parallel(r)} (Megatron-Core folds tensor parallelism into EP; the " \
               f"model holds EP inside DP)"
    if not leading_int(r["seq_len"]):
        return "sequence length not printed"
    if not leading_int(r["gpus"]):
        return "GPU count not printed"
    if global_batch(r)[0] is None:
        return "global batch not printed"
    if basis_of(r) is None:
        return "no step time or throughput on a basis this script can reproduce" + \
            (" (peak figure 'up to', FLOP basis not defined)" if r["source"].startswith("zhang2022")
             else "")
    return None


def basis_of(r):
    """Which printed figure the row is judged on, or None."""
    if r["measured_step_s"]:
        return "step_s"
    if r["tokens_per_s_per_gpu"]:
        return "tok/s/gpu"
    if r["tflops_per_gpu"] and r["source"].startswith("narayanan"):
        return "hw TFLOP/s"
    if r["tflops_per_gpu"] and r["source"].startswith("dubey2024") and r.get("n_params"):
        return "PaLM TFLOP/s"
    if r["mfu_pct"] and r["source"].startswith("korthikanti"):
        return "mfu %"
    return None


def run_file(r):
    """The run file for one row, as YAML text (the row must have no skip_reason)."""
    src = r["source"]
    gpu = gpu_of(r)
    # Megatron 2021-22 and the stacks built on it (Megatron-DeepSpeed: MT-NLG, BLOOM).
    old_megatron = src.startswith(("korthikanti", "narayanan", "smith2022",
                                   "bigscience-workshop"))
    layout = {}
    for key, column in (("tensor_parallel", "tp"), ("pipeline_parallel", "pp"),
                        ("context_parallel", "cp"), ("virtual_stages", "vp"),
                        ("micro_batch_size", "micro_batch")):
        if leading_int(r.get(column, "")):
            layout[key] = leading_int(r[column])
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
    if "params not resharded" in sharding:  # Llama 3's FSDP: ZeRO-2-like (Sec. 3.3.2)
        layout["zero_stage"] = 2
    elif "FULL_SHARD" in sharding or "ZeRO-3" in sharding or "ZeRO stage 3" in sharding \
            or sharding.startswith(("FSDP", "Megatron FSDP")):
        layout["zero_stage"] = 3
    elif "SHARD_GRAD_OP" in sharding:
        layout["zero_stage"] = 2
    elif "ZeRO-1" in sharding or "distributed optimizer" in sharding:
        layout["zero_stage"] = 1
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
    text = r["precision"].lower()
    precision = "fp4" if "fp4" in text else "fp8" if ("fp8" in text or "float8" in text) \
        else "bf16"
    architecture = moe_architecture(r) if is_moe(r) else None
    if architecture:  # the row's printed fields win over the published configuration
        fields = dict(architecture[0])
        for key in ("n_layer", "d_model", "n_head", "n_kv_heads", "vocab"):
            if leading_int(r.get(key)):
                fields[key] = leading_int(r[key])
        shape = ", ".join(f"{k}: {v}" for k, v in fields.items()) + ", ffn_kind: swiglu"
        if leading_int(r.get("ep")):
            layout["expert_parallel"] = leading_int(r["ep"])
    else:
        shape = f"n_layer: {leading_int(r['n_layer'])}, d_model: {leading_int(r['d_model'])}, " \
                f"n_head: {leading_int(r['n_head'])}"
        if leading_int(r.get("n_kv_heads")):
            shape += f", n_kv_heads: {leading_int(r['n_kv_heads'])}"
        if leading_int(r.get("ffn_hidden")):
            d, f = leading_int(r["d_model"]), leading_int(r["ffn_hidden"])
            kind = "gelu" if f == 4 * d else "swiglu"
            shape += f", ffn_hidden: {f}, ffn_kind: {kind}"
        if leading_int(r.get("vocab")):
            shape += f", vocab: {leading_int(r['vocab'])}"
    seq_len = leading_int(r["seq_len"])
    lines = [
        "run:",
        f"  shape: {{{shape}}}",
    ]
    if architecture:
        lines.append("  moe: {" + ", ".join(f"{k}: {v}" for k, v in architecture[1].items()) + "}")
    lines += [
        "  tokens: 1.0e12",
        f"  batch_tokens: {global_batch(r)[0] * seq_len}",
        f"  precision: {precision}",
        f"  gpu: {gpu}",
        f"  gpus: {leading_int(r['gpus'])}",
        f"  seq_len: {seq_len}",
        "  layout: {" + ", ".join(f"{k}: {v}" for k, v in layout.items()) + "}",
        "hardware: {price_usd_per_gpu_hour: 2.0}",
    ]
    return "\n".join(lines) + "\n"


def measured_and_predicted(r, step):
    """(basis, measured, predicted) on the source's basis."""
    batch = global_batch(r)[0]
    gpus = leading_int(r["gpus"])
    seconds = step["seconds"]
    basis = basis_of(r)
    if basis == "step_s":
        return basis, float(r["measured_step_s"]), seconds
    if basis == "tok/s/gpu":
        return basis, float(r["tokens_per_s_per_gpu"]), step["tokens_per_second"] / gpus
    if basis == "hw TFLOP/s":
        return (basis, float(r["tflops_per_gpu"]),
                narayanan_hardware_flops(r, batch) / (seconds * gpus) / 1e12)
    if basis == "PaLM TFLOP/s":
        return (basis, float(r["tflops_per_gpu"]),
                palm_flops_per_token(r) * step["tokens_per_second"] / gpus / 1e12)
    return ("mfu %", float(r["mfu_pct"]),
            100 * megatron_model_flops(r, batch) / (seconds * gpus * A100_PEAK))


SIZES = ((3e9, "< 3B params"), (30e9, "3B-30B"), (200e9, "30B-200B"),
         (float("inf"), ">= 200B"))  # non-embedding parameters, as check reports them


COLUMNS = ("source", "table_row", "model", "n_layer", "d_model", "n_head", "seq_len", "vocab",
           "gpu", "gpus", "tp", "pp", "micro_batch", "global_batch_seqs", "recompute",
           "seq_parallel", "sharding", "precision", "measured_step_s", "tokens_per_s_per_gpu",
           "tflops_per_gpu", "mfu_pct", "notes")


def short_source(r):
    """A source's name without its commit and file (`NVIDIA/dgxc-benchmarking`)."""
    return r["source"].split("@")[0].split(" ")[0]


def label(r):
    """One row's name in the listing: model, GPUs, precision, sequence length."""
    return f"{r['model'][:26]} {r['gpus']}x{gpu_of(r) or r['gpu'].split(' ')[0]} " \
           f"{r['precision'].split(' ')[0][:6]} s{r['seq_len']}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("csv", nargs="+")
    ap.add_argument("--name", default="step-time set")
    ap.add_argument("--korthikanti-mean", type=float)
    ap.add_argument("--korthikanti-max", type=float)
    ap.add_argument("--mean", type=float)
    args = ap.parse_args()

    rows = []
    for path in args.csv:
        reader = csv.DictReader(open(path))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            print(f"validate_step_time: {path}: missing column(s) {', '.join(missing)}",
                  file=sys.stderr)
            sys.exit(2)
        rows += list(reader)
    errors = {}  # source -> list of signed relative errors
    by_framework, by_gpu, by_size = {}, {}, {}
    table5, skipped, refused = [], [], 0
    moe_errors = {}  # model -> list of signed relative errors (mixture-of-experts rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.yaml")
        for r in rows:
            reason = skip_reason(r)
            if reason:
                skipped.append((r, reason))
                continue
            with open(path, "w") as f:
                f.write(run_file(r))
            out = subprocess.run([args.binary, "-q", "check", path, "--format", "json"],
                                 capture_output=True, text=True)
            try:
                if out.returncode not in (0, 1):
                    raise ValueError(out.stderr.strip())
                result = json.loads(out.stdout)
            except ValueError as e:  # refused, or not scaleplan's JSON
                print(f"{r['source'][:12]:12} {label(r)[:58]:58} ERROR {e}")
                refused += 1
                continue
            basis, measured, predicted = measured_and_predicted(r, result["step"])
            # Throughputs and times err in opposite senses; report predicted/measured - 1 of time.
            err = (predicted / measured - 1) if basis == "step_s" else (measured / predicted - 1)
            fit = next(x for x in result["findings"] if x["name"] == "memory")
            if is_moe(r):  # held out apart: not in the dense figures or the target
                note = moe_architecture(r)[2]
                moe_errors.setdefault(r["model"].split(" (")[0], []).append(err)
                print(f"{r['source'][:12]:12} {label(r)[:58]:58} {basis:12} measured "
                      f"{measured:10.4g} predicted {predicted:10.4g} time error {100 * err:+6.1f}%"
                      f"  MoE, EP{leading_int(r['ep'])}, all-to-all "
                      f"{result['step']['parts_seconds']['expert_parallel']:.3g} of "
                      f"{result['step']['seconds']:.3g} s"
                      f"{'; does not fit' if fit['status'] == 'fail' else ''}"
                      f"{'; ' + note if note else ''}")
                continue
            errors.setdefault(short_source(r), []).append(err)
            by_framework.setdefault(framework_of(r), []).append(err)
            by_gpu.setdefault(gpu_of(r), []).append(err)
            params = result["run"]["params"]
            size = next(name for limit, name in SIZES if params < limit)
            by_size.setdefault(size, []).append(err)
            if r["source"].startswith("korthikanti") and r["measured_step_s"] and \
                    "Table 5" in r["table_row"]:
                table5.append(err)
            print(f"{r['source'][:12]:12} {label(r)[:58]:58} {basis:12} measured "
                  f"{measured:10.4g} predicted {predicted:10.4g} time error {100 * err:+6.1f}%"
                  f"{'  (does not fit)' if fit['status'] == 'fail' else ''}")
    for r, reason in skipped:
        print(f"{r['source'][:12]:12} {label(r)[:58]:58} SKIPPED: {reason}")

    def mean_abs(xs):
        return sum(abs(x) for x in xs) / len(xs) if xs else float("nan")

    def summary(xs):
        return (f"{len(xs)} rows, mean absolute error {100 * mean_abs(xs):.1f}%, worst "
                f"{100 * max(abs(x) for x in xs):.1f}%, "
                f"mean signed {100 * sum(xs) / len(xs):+.1f}%")

    everything = [e for xs in errors.values() for e in xs]
    moe_all = [e for xs in moe_errors.values() for e in xs]
    print(f"\n{args.name}: {len(rows)} rows, {len(everything)} dense evaluated, {len(moe_all)} "
          f"mixture-of-experts evaluated, {len(skipped)} skipped, {refused} refused by check")
    for src, xs in errors.items():
        print(f"source {src}: {summary(xs)}")
    for name, xs in by_framework.items():
        print(f"framework {name}: {summary(xs)}")
    for name, xs in by_gpu.items():
        print(f"gpu {name}: {summary(xs)}")
    for _, name in SIZES:
        if name in by_size:
            print(f"size {name}: {summary(by_size[name])}")
    if table5:
        print(f"Korthikanti Table 5: {summary(table5)}")
    if everything:
        print(f"all evaluated rows: {summary(everything)}")
    for name, xs in moe_errors.items():
        print(f"mixture of experts {name}: {summary(xs)}")
    if moe_all:
        print(f"mixture-of-experts rows (held out, not in the target): {summary(moe_all)}")
    failed = refused > 0 or not everything
    if args.korthikanti_mean is not None and not (100 * mean_abs(table5) <= args.korthikanti_mean):
        print(f"FAIL: Table 5 mean above {args.korthikanti_mean}%"); failed = True
    if args.korthikanti_max is not None and \
            not (table5 and 100 * max(abs(x) for x in table5) <= args.korthikanti_max):
        print(f"FAIL: a Table 5 row beyond {args.korthikanti_max}%"); failed = True
    if args.mean is not None and not (100 * mean_abs(everything) <= args.mean):
        print(f"FAIL: {args.name}: mean over all rows above {args.mean}%"); failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
