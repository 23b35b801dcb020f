#!/usr/bin/python3
"""The JSON Schemas `scaleplan schema KIND` prints, checked with a real validator (Debian's
python3-jsonschema, draft 2020-12):

  shipped   each schema is a valid draft 2020-12 schema and equals share/schemas/KIND.schema.json
  valid     every file in configs/ and every input of the golden CLI cases validates
  rejected  files the schema rejects are rejected by the parser too (exit 2)

Usage: schema_test.py MODE SCALEPLAN SOURCE_DIR. Exits 77 (CTest: skipped) without jsonschema.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"skipped: {e.name} is not installed (apt-get install python3-jsonschema python3-yaml)")
    sys.exit(77)

mode, binary, root = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
KINDS = ["budget", "run", "law", "gpus"]


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where 5.0e4 and 1e6 are strings; YAML 1.2 (yaml-cpp, editors'
    yaml-language-server) reads them as numbers."""


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))


def schema(kind):
    out = subprocess.run([binary, "schema", kind], check=True, capture_output=True, text=True)
    return out.stdout


def validator(kind):
    return jsonschema.Draft202012Validator(json.loads(schema(kind)))


def load(path_or_text, is_text=False):
    text = path_or_text if is_text else open(path_or_text).read()
    return yaml.load(text, Loader=Yaml12Loader)


failures = 0


def fail(message):
    global failures
    failures += 1
    print("FAIL:", message)


if mode == "shipped":
    for kind in KINDS:
        text = schema(kind)
        jsonschema.Draft202012Validator.check_schema(json.loads(text))
        shipped = os.path.join(root, "share", "schemas", f"{kind}.schema.json")
        if not os.path.exists(shipped) or open(shipped).read() != text:
            fail(f"{shipped} differs from `scaleplan schema {kind}`; regenerate it with "
                 f"scripts/update_schemas.sh")
    print(f"{len(KINDS)} schemas are valid draft 2020-12 and equal the shipped ones")

elif mode == "valid":
    examples = glob.glob(f"{root}/configs/examples/*.yaml")
    run_examples = [p for p in examples if "run" in load(p)]
    files = {
        "budget": [p for p in examples if p not in run_examples] +
                  glob.glob(f"{root}/test/cli/*/budget.yaml"),
        "run": run_examples + glob.glob(f"{root}/test/cli/*/run.yaml") +
               glob.glob(f"{root}/bench/*.yaml"),
        "law": glob.glob(f"{root}/configs/laws/*.yaml"),
        "gpus": [f"{root}/configs/gpus.yaml"],
    }
    n = 0
    for options in [[], ["--gpu", "A100-80GB", "--usd", "5e4"], ["--gpu-hours", "1e4"],
                    ["--flops", "1e21", "--gpu", "MI300X"]]:
        starter = subprocess.run([binary, "init"] + options, check=True, capture_output=True,
                                 text=True).stdout
        for e in validator("budget").iter_errors(load(starter, True)):
            fail(f"scaleplan init {' '.join(options)}: {e.message}")
        n += 1
    for kind, paths in files.items():
        v = validator(kind)
        for path in sorted(paths):
            errors = list(v.iter_errors(load(path)))
            for e in errors:
                fail(f"{path}: {'.'.join(map(str, e.absolute_path))}: {e.message}")
            n += 1
    if n < 10:
        fail(f"only {n} files found under {root}")
    print(f"{n} files validate against their schema")

elif mode == "rejected":
    head = "budget:\n  usd: 1.0e6\nhardware:\n  gpu: H100-SXM\n"
    run_head = "run:\n  params: 1e9\n  tokens: 2e10\n  gpu: H100\n  gpus: 8\n"
    law_head = "name: x\nform: chinchilla\n"
    gpu_head = "gpus:\n  - name: X1\n    memory_gb: 10\n    mem_bw_tbps: 1\n    tflops: {bf16: 100}\n"
    cases = [
        ("budget", "an unknown key", head + "  count: 8\n  gpus_per_rack: 8\n"),
        ("budget", "a negative amount", head.replace("1.0e6", "-5") + "  count: 8\n"),
        ("budget", "two amounts", head.replace("usd: 1.0e6", "usd: 1.0e6\n  flops: 1e22") +
         "  count: 8\n"),
        ("budget", "count and max_count", head + "  count: 8\n  max_count: 16\n"),
        ("budget", "neither count nor max_count", head),
        ("budget", "a fractional count", head + "  count: 2.5\n"),
        ("budget", "MFU above one", head + "  count: 8\n  mfu: 1.5\n"),
        ("budget", "an unknown precision", head + "  count: 8\nmodel:\n  precisions: [fp9]\n"),
        ("budget", "a precision twice", head + "  count: 8\nmodel:\n  precisions: [bf16, bf16]\n"),
        ("budget", "no hardware section", "budget:\n  usd: 1e6\n"),
        ("budget", "a value table of one row",
         head + "  count: 8\nobjective: maximize_profit\n"
         "inference: {gpu: H100, latency_ms_per_token: 20}\nroi: {value_table: [[2.0, 1]]}\n"),
        ("run", "params and shape",
         run_head + "  shape: {n_layer: 8, d_model: 1024, n_head: 8}\n"),
        ("run", "an unknown schedule kind",
         run_head + "  schedule: {kind: linear, warmup_steps: 1, decay_steps: 1, total_steps: 9}\n"),
        ("run", "zero GPUs", run_head.replace("gpus: 8", "gpus: 0")),
        ("law", "a missing constant", law_head + "params: {E: 1.7, A: 400, B: 410, alpha: 0.3}\n"),
        ("law", "an unknown form", law_head.replace("chinchilla", "zipf") +
         "params: {E: 1.7, A: 400, B: 410, alpha: 0.3, beta: 0.3}\n"),
        ("gpus", "a GPU without MFU", gpu_head),
        ("gpus", "a negative bandwidth", gpu_head.replace("mem_bw_tbps: 1", "mem_bw_tbps: -1") +
         "    mfu: 0.4\n"),
    ]
    command = {
        "budget": lambda f: [binary, "plan", f],
        "run": lambda f: [binary, "check", f],
        "law": lambda f: [binary, "predict", "--law", f, "--params", "1e9", "--tokens", "1e10"],
        "gpus": lambda f: [binary, "--gpus", f, "gpus"],
    }
    validators = {kind: validator(kind) for kind in KINDS}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, name, text in cases:
            path = os.path.join(tmp, "case.yaml")
            with open(path, "w") as f:
                f.write(text)
            if validators[kind].is_valid(load(text, True)):
                fail(f"{kind}, {name}: the schema accepts it")
            r = subprocess.run(command[kind](path), capture_output=True, text=True, cwd=tmp)
            if r.returncode != 2:
                fail(f"{kind}, {name}: the parser exits {r.returncode}, not 2: {r.stderr.strip()}")
    print(f"{len(cases)} schema-invalid files, each rejected by the parser too (exit 2)")

else:
    sys.exit(f"unknown mode {mode}")

print(f"{failures} failed")
sys.exit(1 if failures else 0)
