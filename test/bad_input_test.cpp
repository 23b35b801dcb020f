// Table-driven bad-input tests: each bad budget gets exit code 2 (bad input) or 3 (valid but
// infeasible) and exactly one line on stderr, asserted word for word; stdout stays empty.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using scaleplan::test::run_scaleplan;

namespace {

struct BadInput {
  const char* name;
  const char* yaml;  // written to bad.yaml
  int rc;
  const char* message;  // the whole of stderr, without the trailing newline
};

// A valid budget to vary: line 1 budget:, line 2 usd, line 3 hardware:, 4 gpu, 5 count.
#define VALID_HEAD "budget:\n  usd: 1.0e6\nhardware:\n  gpu: H100-SXM\n  count: 64\n"

const BadInput kCases[] = {
    {"malformed YAML", "budget: [1, 2\nhardware: {}\n", 2,
     "scaleplan: bad.yaml:2:9: invalid YAML: end of sequence flow not found"},
    {"empty file", "", 2, "scaleplan: bad.yaml: the file is empty"},
    {"top level is a list", "- budget\n- hardware\n", 2,
     "scaleplan: bad.yaml:1:1: expected a YAML mapping at the top"},
    {"unknown top-level key", VALID_HEAD "hardwre:\n  gpu: H100\n", 2,
     "scaleplan: bad.yaml:6:1: hardwre: unknown key (did you mean 'hardware'?)"},
    {"missing budget section", "hardware:\n  gpu: H100-SXM\n  count: 64\n", 2,
     "scaleplan: bad.yaml:1:1: budget: missing section"},
    {"missing hardware section", "budget:\n  usd: 1.0e6\n", 2,
     "scaleplan: bad.yaml:1:1: hardware: missing section"},
    {"no amount", "budget:\n  deadline_hours: 10\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:2:3: budget: missing amount: give one of usd, gpu_hours or flops"},
    {"two budget kinds", "budget:\n  usd: 1.0e6\n  flops: 1e22\nhardware:\n  gpu: H100\n  count: 8\n",
     2,
     "scaleplan: bad.yaml:3:10: budget.flops: give exactly one of usd, gpu_hours or flops (usd "
     "is also given)"},
    {"negative dollars", "budget:\n  usd: -5\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:2:8: budget.usd: must be > 0, got -5"},
    {"zero GPU-hours", "budget:\n  gpu_hours: 0\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:2:14: budget.gpu_hours: must be > 0, got 0"},
    {"non-numeric dollars", "budget:\n  usd: lots\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:2:8: budget.usd: expected a number, got 'lots'"},
    {"FLOPs beyond a double", "budget:\n  flops: 1e400\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:2:10: budget.flops: out of range, got '1e400'"},
    {"a list as a key", "? [budget]\n: 1\n", 2,
     "scaleplan: bad.yaml:1:3: keys must be plain names"},
    {"a list as a precision", VALID_HEAD "model:\n  precisions: [[bf16]]\n", 2,
     "scaleplan: bad.yaml:7:16: model.precisions: expected a precision name"},
    {"infinite FLOPs", "budget:\n  flops: .inf\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:2:10: budget.flops: must be finite, got '.inf'"},
    {"negative deadline", "budget:\n  usd: 1e6\n  deadline_hours: -3\nhardware:\n  gpu: H100\n  count: 8\n",
     2, "scaleplan: bad.yaml:3:19: budget.deadline_hours: must be > 0, got -3"},
    {"duplicate key", "budget:\n  usd: 1e6\n  usd: 2e6\nhardware:\n  gpu: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:3:3: budget.usd: duplicate key"},
    {"unknown GPU", "budget:\n  usd: 1e6\nhardware:\n  gpu: H1000\n  count: 8\n", 2,
     "scaleplan: bad.yaml:4:8: hardware.gpu: unknown GPU 'H1000' (did you mean 'H100'?); "
     "`scaleplan gpus` lists them"},
    {"missing GPU", "budget:\n  usd: 1e6\nhardware:\n  count: 8\n", 2,
     "scaleplan: bad.yaml:4:3: hardware.gpu: missing: name a GPU from `scaleplan gpus`"},
    {"misspelt hardware key", "budget:\n  usd: 1e6\nhardware:\n  gpus: H100\n  count: 8\n", 2,
     "scaleplan: bad.yaml:4:3: hardware.gpus: unknown key (did you mean 'gpu'?)"},
    {"count and max_count", VALID_HEAD "  max_count: 128\n", 2,
     "scaleplan: bad.yaml:6:14: hardware.max_count: give count or max_count, not both"},
    {"neither count nor max_count", "budget:\n  usd: 1e6\nhardware:\n  gpu: H100\n", 2,
     "scaleplan: bad.yaml:4:3: hardware.count: missing: give count or max_count"},
    {"fractional count", "budget:\n  usd: 1e6\nhardware:\n  gpu: H100\n  count: 2.5\n", 2,
     "scaleplan: bad.yaml:5:10: hardware.count: must be a whole number, got 2.5"},
    {"unknown pricing", VALID_HEAD "  pricing: reserved\n", 2,
     "scaleplan: bad.yaml:6:12: hardware.pricing: unknown value 'reserved' (choose on_demand, "
     "spot or cheapest)"},
    {"unknown price key", VALID_HEAD "  price_usd_per_gpu_hour: {on_demand: 2, spots: 1}\n", 2,
     "scaleplan: bad.yaml:6:42: hardware.price_usd_per_gpu_hour.spots: unknown key (did you mean "
     "'spot'?)"},
    {"negative price", VALID_HEAD "  price_usd_per_gpu_hour: -2.5\n", 2,
     "scaleplan: bad.yaml:6:27: hardware.price_usd_per_gpu_hour: must be > 0, got -2.5"},
    {"MFU above one", VALID_HEAD "  mfu: 1.5\n", 2,
     "scaleplan: bad.yaml:6:8: hardware.mfu: must be <= 1, got 1.5"},
    {"hardware not a mapping", "budget:\n  usd: 1e6\nhardware: H100\n", 2,
     "scaleplan: bad.yaml:3:11: hardware: expected a mapping of keys"},
    {"unknown law", VALID_HEAD "model:\n  law: hofmann2022\n", 2,
     "scaleplan: bad.yaml:7:8: model.law: unknown law 'hofmann2022' (did you mean "
     "'hoffmann2022'?) (choose besiroglu2024, deepseek2024, gadre2024_c4, gadre2024_redpajama, "
     "gadre2024_refinedweb, hoffmann2022, kaplan2020, ludziejewski2025, muennighoff2023, "
     "nezhurina2025_clip, nezhurina2025_mammut, porian2024, yao2024_decoder_params, "
     "yao2024_encoder_params or yao2024_encoder_tokens, or a law YAML file)"},
    {"missing law file", VALID_HEAD "model:\n  law: mylaw.yaml\n", 2,
     "scaleplan: bad.yaml:7:8: model.law: law file 'mylaw.yaml' not found"},
    {"unknown FLOPs convention", VALID_HEAD "model:\n  flops_per_token: 8N\n", 2,
     "scaleplan: bad.yaml:7:20: model.flops_per_token: unknown value '8N' (choose 6N or "
     "detailed)"},
    {"unknown precision", VALID_HEAD "model:\n  precisions: [bf16, fp9]\n", 2,
     "scaleplan: bad.yaml:7:22: model.precisions: unknown precision 'fp9' (choose fp32, tf32, "
     "bf16, fp16, fp8 or fp4)"},
    {"an aspect ratio below 1", VALID_HEAD "model:\n  aspect_ratio: 0.5\n", 2,
     "scaleplan: bad.yaml:7:17: model.aspect_ratio: must be >= 1, got 0.5"},
    {"an aspect ratio of 0", VALID_HEAD "model:\n  aspect_ratio: 0\n", 2,
     "scaleplan: bad.yaml:7:17: model.aspect_ratio: must be > 0, got 0"},
    {"an aspect ratio above 1e5", VALID_HEAD "model:\n  aspect_ratio: 1e6\n", 2,
     "scaleplan: bad.yaml:7:17: model.aspect_ratio: must be <= 100000, got 1e6"},
    {"an aspect ratio that is not a number", VALID_HEAD "model:\n  aspect_ratio: wide\n", 2,
     "scaleplan: bad.yaml:7:17: model.aspect_ratio: expected a number, got 'wide'"},
    {"a precision quality above 1", VALID_HEAD "model:\n  precision_quality: {fp8: 1.5}\n", 2,
     "scaleplan: bad.yaml:7:28: model.precision_quality.fp8: must be <= 1, got 1.5"},
    {"a precision quality below 0.01", VALID_HEAD "model:\n  precision_quality: {fp8: 1e-308}\n", 2,
     "scaleplan: bad.yaml:7:28: model.precision_quality.fp8: must be >= 0.01, got 1e-308"},
    {"a pool quality below -1", VALID_HEAD "data:\n  sources:\n    - {name: web, unique_tokens: 1e12, "
     "quality: -1.5, half_life_epochs: 4}\n", 2,
     "scaleplan: bad.yaml:8:49: data.sources[0].quality: must be >= -1, got -1.5"},
    {"a precision quality of 0", VALID_HEAD "model:\n  precision_quality: {fp8: 0}\n", 2,
     "scaleplan: bad.yaml:7:28: model.precision_quality.fp8: must be > 0, got 0"},
    {"a precision quality not a number", VALID_HEAD "model:\n  precision_quality: {fp8: .nan}\n",
     2, "scaleplan: bad.yaml:7:28: model.precision_quality.fp8: must be finite, got '.nan'"},
    {"a precision quality for an unknown precision",
     VALID_HEAD "model:\n  precision_quality: {fp9: 0.9}\n", 2,
     "scaleplan: bad.yaml:7:23: model.precision_quality.fp9: unknown key (did you mean 'fp8'?)"},
    {"a precision quality not a mapping", VALID_HEAD "model:\n  precision_quality: 0.9\n", 2,
     "scaleplan: bad.yaml:7:22: model.precision_quality: expected a mapping of keys"},
    {"a pool quality of 0", VALID_HEAD "data:\n  sources:\n    - {name: web, unique_tokens: 1e12, "
     "quality: 0, half_life_epochs: 4}\n", 2,
     "scaleplan: bad.yaml:8:49: data.sources[0].quality: must be in [-1, 0) (Goyal et al.'s b: the "
     "data term falls as D^b), got 0"},
    {"a pool quality without its half-life", VALID_HEAD "data:\n  sources:\n    - {name: web, "
     "unique_tokens: 1e12, quality: -0.3}\n", 2,
     "scaleplan: bad.yaml:8:49: data.sources[0].quality: give quality and half_life_epochs "
     "together"},
    {"pools with and without a quality", VALID_HEAD "data:\n  sources:\n    - {name: a, "
     "unique_tokens: 1e12, quality: -0.3, half_life_epochs: 4}\n    - {name: b, unique_tokens: "
     "1e11}\n", 2,
     "scaleplan: bad.yaml:9:14: data.sources[1].name: give quality and half_life_epochs for every "
     "pool or for none"},
    {"a pool listed twice", VALID_HEAD "data:\n  sources:\n    - {name: a, unique_tokens: 1e12}\n"
     "    - {name: a, unique_tokens: 1e11}\n", 2,
     "scaleplan: bad.yaml:9:14: data.sources[1].name: pool 'a' is listed twice"},
    {"a pool without unique tokens", VALID_HEAD "data:\n  sources:\n    - {name: a}\n", 2,
     "scaleplan: bad.yaml:8:7: data.sources[0].unique_tokens: missing"},
    {"a pool half-life of 0", VALID_HEAD "data:\n  sources:\n    - {name: a, unique_tokens: 1e12, "
     "quality: -0.3, half_life_epochs: 0}\n", 2,
     "scaleplan: bad.yaml:8:71: data.sources[0].half_life_epochs: must be > 0, got 0"},
    {"pools and unique tokens", VALID_HEAD "data:\n  unique_tokens: 1e12\n  sources: [{name: a, "
     "unique_tokens: 1e12}]\n", 2,
     "scaleplan: bad.yaml:8:12: data.sources: give data.unique_tokens or data.sources, not both"},
    {"five pools", VALID_HEAD "data:\n  sources: [{name: a, unique_tokens: 1}, {name: b, "
     "unique_tokens: 1}, {name: c, unique_tokens: 1}, {name: d, unique_tokens: 1}, {name: e, "
     "unique_tokens: 1}]\n", 2,
     "scaleplan: bad.yaml:7:12: data.sources: expected a list of 1 to 4 pools such as [{name: web, "
     "unique_tokens: 1e12}]"},
    {"a pool that is not a mapping", VALID_HEAD "data:\n  sources: [web]\n", 2,
     "scaleplan: bad.yaml:7:13: data.sources: expected a mapping for each pool"},
    {"a negative fp4 overhead", VALID_HEAD "model:\n  fp4_overhead: -0.1\n", 2,
     "scaleplan: bad.yaml:7:17: model.fp4_overhead: must be >= 0, got -0.1"},
    {"precision twice", VALID_HEAD "model:\n  precisions: [bf16, bf16]\n", 2,
     "scaleplan: bad.yaml:7:22: model.precisions: precision 'bf16' is listed twice"},
    {"precisions not a list", VALID_HEAD "model:\n  precisions: bf16\n", 2,
     "scaleplan: bad.yaml:7:15: model.precisions: expected a non-empty list such as [bf16, fp8]"},
    {"negative sequence length", VALID_HEAD "model:\n  seq_len: -1\n", 2,
     "scaleplan: bad.yaml:7:12: model.seq_len: must be > 0, got -1"},
    {"unknown schedule", VALID_HEAD "model:\n  schedule: linear\n", 2,
     "scaleplan: bad.yaml:7:13: model.schedule: unknown value 'linear' (choose wsd or cosine)"},
    {"zero unique tokens", VALID_HEAD "data:\n  unique_tokens: 0\n", 2,
     "scaleplan: bad.yaml:7:18: data.unique_tokens: must be > 0, got 0"},
    {"max epochs without unique tokens", VALID_HEAD "data:\n  max_epochs: 4\n", 2,
     "scaleplan: bad.yaml:7:15: data.max_epochs: needs data.unique_tokens or data.sources (epochs "
     "are D / unique tokens)"},
    {"zero max epochs", VALID_HEAD "data:\n  unique_tokens: 1e11\n  max_epochs: 0\n", 2,
     "scaleplan: bad.yaml:8:15: data.max_epochs: must be > 0, got 0"},
    {"GPU without a price, budget in dollars",
     "budget:\n  usd: 1e6\nhardware:\n  gpu: H100-PCIe\n  count: 8\n", 2,
     "scaleplan: bad.yaml:4:3: hardware.price_usd_per_gpu_hour: the GPU table has no on_demand "
     "price for 'H100-PCIe'; give one"},
    {"precision the GPU lacks",
     "budget:\n  usd: 1e6\nhardware:\n  gpu: A100-80GB\n  count: 8\nmodel:\n  precisions: [fp8]\n",
     2, "scaleplan: bad.yaml:7:15: model.precisions: 'A100-80GB' supports none of the listed "
        "precisions (fp8)"},
    {"unknown objective", VALID_HEAD "objective: maximise_profit\n", 2,
     "scaleplan: bad.yaml:6:12: objective: unknown value 'maximise_profit' (choose minimize_loss, "
     "minimize_cost or maximize_profit)"},
    {"minimize_cost without target_loss", VALID_HEAD "objective: minimize_cost\n", 2,
     "scaleplan: bad.yaml:6:12: target_loss: missing: objective minimize_cost needs a target_loss"},
    {"target_loss without minimize_cost", VALID_HEAD "target_loss: 2.1\n", 2,
     "scaleplan: bad.yaml:6:14: target_loss: only used with objective: minimize_cost"},
    {"negative target_loss", VALID_HEAD "objective: minimize_cost\ntarget_loss: -2\n", 2,
     "scaleplan: bad.yaml:7:14: target_loss: must be > 0, got -2"},
    {"maximize_profit without roi",
     VALID_HEAD "objective: maximize_profit\ninference: {gpu: H100, latency_ms_per_token: 20}\n", 2,
     "scaleplan: bad.yaml:6:12: objective: maximize_profit needs an inference: section and a roi: "
     "section"},
    {"roi without maximize_profit", VALID_HEAD "roi: {value_per_correct_answer_usd: 0.002}\n", 2,
     "scaleplan: bad.yaml:6:6: roi: only used with objective: maximize_profit"},
    {"negative spot interruption rate", VALID_HEAD "  spot_interruptions_per_hour: -0.1\n", 2,
     "scaleplan: bad.yaml:6:32: hardware.spot_interruptions_per_hour: must be >= 0, got -0.1"},
    {"zero GPUs per instance", VALID_HEAD "  gpus_per_instance: 0\n", 2,
     "scaleplan: bad.yaml:6:22: hardware.gpus_per_instance: must be > 0, got 0"},
    {"non-numeric checkpoint bandwidth", VALID_HEAD "  checkpoint_write_gbps: fast\n", 2,
     "scaleplan: bad.yaml:6:26: hardware.checkpoint_write_gbps: expected a number, got 'fast'"},
    {"inference without a GPU", VALID_HEAD "inference:\n  latency_ms_per_token: 20\n", 2,
     "scaleplan: bad.yaml:7:3: inference.gpu: missing: the serving GPU"},
    {"inference without a latency cap", VALID_HEAD "inference:\n  gpu: H100\n", 2,
     "scaleplan: bad.yaml:7:3: inference.latency_ms_per_token: missing: the decode latency cap"},
    {"unknown serving precision", VALID_HEAD "inference:\n  gpu: H100\n  precision: int2\n"
     "  latency_ms_per_token: 20\n", 2,
     "scaleplan: bad.yaml:8:14: inference.precision: unknown value 'int2' (choose bf16, fp8, int8 "
     "or int4)"},
    {"zero latency cap", VALID_HEAD "inference:\n  gpu: H100\n  latency_ms_per_token: 0\n", 2,
     "scaleplan: bad.yaml:8:25: inference.latency_ms_per_token: must be > 0, got 0"},
#define SERVING "inference:\n  gpu: H100\n  latency_ms_per_token: 20\n"
    {"serving TP not a power of two", VALID_HEAD SERVING "  tensor_parallel: 3\n", 2,
     "scaleplan: bad.yaml:9:20: inference.tensor_parallel: must be a power of two (1, 2, 4, 8, "
     "...), got 3"},
    {"serving TP beyond the NVLink domain", VALID_HEAD SERVING "  tensor_parallel: 16\n", 2,
     "scaleplan: bad.yaml:9:20: inference.tensor_parallel: must be at most the 8 GPUs of one "
     "H100-SXM NVLink domain, got 16"},
    {"zero serving TP", VALID_HEAD SERVING "  tensor_parallel: 0\n", 2,
     "scaleplan: bad.yaml:9:20: inference.tensor_parallel: must be > 0, got 0"},
    {"fractional serving TP", VALID_HEAD SERVING "  tensor_parallel: 2.5\n", 2,
     "scaleplan: bad.yaml:9:20: inference.tensor_parallel: must be a whole number, got 2.5"},
    {"zero decode efficiency", VALID_HEAD SERVING "  decode_efficiency: 0\n", 2,
     "scaleplan: bad.yaml:9:22: inference.decode_efficiency: must be > 0, got 0"},
    {"decode efficiency above 1", VALID_HEAD SERVING "  decode_efficiency: 1.5\n", 2,
     "scaleplan: bad.yaml:9:22: inference.decode_efficiency: must be <= 1, got 1.5"},
    {"NaN decode efficiency", VALID_HEAD SERVING "  decode_efficiency: .nan\n", 2,
     "scaleplan: bad.yaml:9:22: inference.decode_efficiency: must be finite, got '.nan'"},
#undef SERVING
    {"negative lifetime queries", VALID_HEAD "inference:\n  gpu: H100\n  latency_ms_per_token: 20\n"
     "  lifetime_queries: -1e9\n", 2,
     "scaleplan: bad.yaml:9:21: inference.lifetime_queries: must be >= 0, got -1e9"},
    {"unknown serving GPU", VALID_HEAD "inference:\n  gpu: H900\n  latency_ms_per_token: 20\n", 2,
     "scaleplan: bad.yaml:7:8: inference.gpu: unknown GPU 'H900' (did you mean 'H100'?); "
     "`scaleplan gpus` lists them"},
    {"misspelt inference key", VALID_HEAD "inference:\n  gpu: H100\n  latency_ms: 20\n", 2,
     "scaleplan: bad.yaml:8:3: inference.latency_ms: unknown key (did you mean 'latency_ms_per_token'?)"},
    {"both value kinds", VALID_HEAD "objective: maximize_profit\n"
     "inference: {gpu: H100, latency_ms_per_token: 20}\n"
     "roi: {value_per_correct_answer_usd: 0.002, value_table: [[2.4, 0], [2.0, 0.001]]}\n", 2,
     "scaleplan: bad.yaml:8:57: roi.value_table: give value_per_correct_answer_usd or "
     "value_table, not both"},
    {"value rising with loss", VALID_HEAD "objective: maximize_profit\n"
     "inference: {gpu: H100, latency_ms_per_token: 20}\n"
     "roi: {value_table: [[2.4, 0.002], [2.0, 0.001]]}\n", 2,
     "scaleplan: bad.yaml:8:20: roi.value_table: value must not rise with the loss"},
    {"malformed value table row", VALID_HEAD "objective: maximize_profit\n"
     "inference: {gpu: H100, latency_ms_per_token: 20}\n"
     "roi: {value_table: [[2.4, 0.002, 1], [2.0, 0.001]]}\n", 2,
     "scaleplan: bad.yaml:8:21: roi.value_table: each row must be [loss, usd_per_query]"},
    {"roi without a value", VALID_HEAD "objective: maximize_profit\n"
     "inference: {gpu: H100, latency_ms_per_token: 20}\nroi: {}\n", 2,
     "scaleplan: bad.yaml:8:6: roi.value_per_correct_answer_usd: missing: give "
     "value_per_correct_answer_usd or value_table"},
    {"a value table that never pays for serving",
     "objective: maximize_profit\nbudget: {usd: 1e6}\nhardware: {gpu: H100, count: 64}\n"
     "inference: {gpu: H100, latency_ms_per_token: 50, lifetime_queries: 1e9}\n"
     "roi: {value_table: [[3.0, 0.0], [1.8, 1.0e-9]]}\n", 3,
     "scaleplan: infeasible: training does not pay: the most profitable run (5.308e+06 params on "
     "2.621e+08 tokens, served loss 6.451) earns 0 USD a query against 3.719e-07 USD to serve it, "
     "a profit of -372.7 USD after 0.7777 USD of training; do not train (roi, inference)"},
    // Issue 13, acceptance 1: $50M on 4,096 H100 with no queries is "do not train", exit 3.
    {"a profit objective with no queries",
     "objective: maximize_profit\nbudget: {usd: 5e7}\nhardware: {gpu: H100, count: 4096}\n"
     "inference: {gpu: H100, latency_ms_per_token: 50, lifetime_queries: 0}\n"
     "roi: {value_per_correct_answer_usd: 0.002}\n", 3,
     "scaleplan: infeasible: training does not pay: with inference.lifetime_queries = 0 no query "
     "earns anything, so every run loses its training cost; do not train (roi, inference)"},
    {"deadline too short for any model",
     "budget:\n  usd: 1e6\n  deadline_hours: 0.001\nhardware:\n  gpu: L4\n  count: 1\n", 3,
     "scaleplan: infeasible: no run meets the constraints: budget.deadline_hours (even the "
     "smallest run considered, 5.7e+06 params on 2.45e+07 tokens, breaks them on 1 GPUs)"},
    {"a cent", "budget:\n  usd: 0.01\nhardware:\n  gpu: H100\n  max_count: 16\n", 3,
     "scaleplan: infeasible: no run meets the constraints: budget.usd (even the smallest run "
     "considered, 5.7e+06 params on 2.45e+07 tokens, breaks them on up to 16 GPUs)"},
    {"memory too small for the sequence length",
     "budget:\n  usd: 1e6\nhardware:\n  gpu: TPU-v5e\n  count: 1\nmodel:\n  seq_len: 262144\n", 3,
     "scaleplan: infeasible: no run meets the constraints: memory (even the smallest run "
     "considered, 5.7e+06 params on 2.45e+07 tokens, breaks them on 1 GPUs)"},
};

}  // namespace

TEST_CASE("bad input: each bad budget gets its exit code and exact one-line message",
          "[cli][bad-input]") {
  for (const BadInput& c : kCases) {
    INFO(c.name);
    const auto r = run_scaleplan("plan bad.yaml", {{"bad.yaml", c.yaml}});
    CHECK(r.rc == c.rc);
    CHECK(r.err == std::string(c.message) + "\n");
    CHECK(r.out.empty());
  }
}

TEST_CASE("bad input: a missing budget file is named with the system's reason", "[cli]") {
  const auto r = run_scaleplan("plan nope.yaml");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: nope.yaml: cannot read: No such file or directory\n");
}

TEST_CASE("bad input: unknown flags and formats exit 2", "[cli]") {
  CHECK(run_scaleplan("plan x.yaml --frobnicate").rc == 2);
  CHECK(run_scaleplan("--format xml gpus").rc == 2);
  CHECK(run_scaleplan("predict --params -1 --tokens 1e9").rc == 2);
  CHECK(run_scaleplan("--version").rc == 0);
}

TEST_CASE("bad input: a budget on stdin is named <stdin>", "[cli]") {
  const auto r = run_scaleplan("plan -", {{"in.yaml", "budget:\n  usd: -1\nhardware: {gpu: H100, count: 8}\n"}},
                               "in.yaml");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: <stdin>:2:8: budget.usd: must be > 0, got -1\n");
}

namespace {

#define RUNS_HEAD "params,tokens,loss\n"
// Twelve runs drawn from hoffmann2022 with +-0.4% noise: enough to fit.
#define SOME_RUNS                                                                          \
  RUNS_HEAD                                                                               \
  "1e+08,2e+09,3.4950\n1e+08,1e+10,3.1276\n1e+08,5e+10,2.8888\n3e+08,2e+09,3.2480\n"        \
  "3e+08,1e+10,2.8690\n3e+08,5e+10,2.6281\n1e+09,2e+09,3.0538\n1e+09,1e+10,2.6893\n"        \
  "1e+09,5e+10,2.4604\n3e+09,2e+09,2.9643\n3e+09,1e+10,2.5949\n3e+09,5e+10,2.3553\n"

const BadInput kBadRuns[] = {
    {"missing loss column", "params,tokens\n1e8,1e9\n", 2,
     "scaleplan: runs.csv:1: loss: missing column: params, tokens and loss are required, the "
     "header has params, tokens"},
    {"misspelt column", "params,tokens,losss\n1e8,1e9,3\n", 2,
     "scaleplan: runs.csv:1: loss: missing column (did you mean 'losss'?): params, tokens and "
     "loss are required, the header has params, tokens, losss"},
    {"duplicate column", "params,tokens,loss,loss\n1e8,1e9,3,3\n", 2,
     "scaleplan: runs.csv:1: loss: duplicate column"},
    {"non-numeric tokens", RUNS_HEAD "1e8,1e9,3.1\n1e8,abc,2.9\n", 2,
     "scaleplan: runs.csv:3: tokens: expected a number, got 'abc'"},
    {"negative loss", RUNS_HEAD "1e8,1e9,-1\n", 2,
     "scaleplan: runs.csv:2: loss: must be > 0, got -1"},
    {"zero params", RUNS_HEAD "0,1e9,3\n", 2, "scaleplan: runs.csv:2: params: must be > 0, got 0"},
    {"infinite tokens", RUNS_HEAD "1e8,inf,3\n", 2,
     "scaleplan: runs.csv:2: tokens: must be finite, got 'inf'"},
    {"NaN loss", RUNS_HEAD "1e8,1e9,nan\n", 2, "scaleplan: runs.csv:2: loss: must be finite, got 'nan'"},
    {"short line", RUNS_HEAD "1e8,1e9,3\n1e8,1e9\n", 2,
     "scaleplan: runs.csv:3: expected 3 fields, got 2"},
    {"empty file", "", 2, "scaleplan: runs.csv: the file is empty"},
    {"header only", RUNS_HEAD, 2, "scaleplan: runs.csv:1: no data rows after the header"},
    {"fewer points than parameters", RUNS_HEAD "1e8,1e9,3.1\n1e9,1e10,2.5\n3e9,3e10,2.3\n", 2,
     "scaleplan: runs.csv: rows: 3 distinct (N, D) points to fit, need at least 5 (one per "
     "parameter of the law)"},
    {"a single model size",
     RUNS_HEAD "1e8,1e9,3.1\n1e8,2e9,3.0\n1e8,4e9,2.9\n1e8,8e9,2.85\n1e8,1.6e10,2.8\n", 2,
     "scaleplan: runs.csv: params: every run has the same model size; need at least two values "
     "of N"},
};

}  // namespace

TEST_CASE("bad input: each bad runs CSV gets exit 2 and its exact one-line message",
          "[cli][bad-input][fit]") {
  for (const BadInput& c : kBadRuns) {
    INFO(c.name);
    const auto r = run_scaleplan("fit runs.csv --bootstrap 0 -o law.yaml",
                                 {{"runs.csv", c.yaml}});
    CHECK(r.rc == c.rc);
    CHECK(r.err == std::string(c.message) + "\n");
    CHECK(r.out.empty());
  }
}

TEST_CASE("bad input: fit filters and options are checked", "[cli][fit]") {
  const std::map<std::string, std::string> files = {{"runs.csv", SOME_RUNS}};
  auto r = run_scaleplan("fit runs.csv --exclude 'loss=>3'", files);
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --exclude: 'loss=>3': unknown column 'loss=' (did you mean 'loss'?) "
        "(columns: params, tokens, loss, tokens_per_param or flops)\n");
  r = run_scaleplan("fit runs.csv --holdout 'params'", files);
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --holdout: 'params': expected COLUMN OP VALUE, e.g. 'loss>=3.4'\n");
  CHECK(run_scaleplan("fit runs.csv --form hoffmann", files).rc == 2);
  CHECK(run_scaleplan("fit runs.csv --bootstrap -1", files).rc == 2);
}

TEST_CASE("fit: writes a law that plan reads, with an interval bracketing the loss", "[cli][fit]") {
  const std::string budget =
      "budget: {flops: 1e21}\nhardware: {gpu: H100, count: 64}\nmodel: {law: law.yaml}\n";
  const auto r = run_scaleplan(
      "fit runs.csv -o law.yaml --bootstrap 50 -q && '" SCALEPLAN_BINARY
      "' plan b.yaml --format json && cat law.yaml >&2",
      {{"runs.csv", SOME_RUNS}, {"b.yaml", budget}});
  REQUIRE(r.rc == 0);
  const auto json_start = r.out.find("{\n  \"recommendation\"");
  REQUIRE(json_start != std::string::npos);
  const auto plan = nlohmann::json::parse(r.out.substr(json_start));
  const double low = plan["predicted"]["loss_low"], mid = plan["predicted"]["loss"],
               high = plan["predicted"]["loss_high"];
  CHECK(low <= mid);
  CHECK(mid <= high);
  CHECK(low < high);
  CHECK(plan["law"]["name"] == "law");
  CHECK(r.err.find("samples:") != std::string::npos);
  CHECK(r.err.find("sha256:") != std::string::npos);
}

TEST_CASE("fit: an interrupted or failed fit leaves no law file", "[cli][fit]") {
  const auto r = run_scaleplan("fit runs.csv -o law.yaml; ls", {{"runs.csv", RUNS_HEAD "1e8,1e9,3\n"}});
  CHECK(r.out.find("law.yaml") == std::string::npos);
  CHECK(r.out.find(".tmp") == std::string::npos);
}
