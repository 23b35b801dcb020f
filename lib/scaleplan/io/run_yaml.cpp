#include "scaleplan/io/run_yaml.hpp"

#include <algorithm>
#include <map>

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

std::vector<std::string> precision_names() {
  std::vector<std::string> names;
  for (Precision p : all_precisions()) names.push_back(to_string(p));
  return names;
}

// The key tables; docs/check.md documents the same keys.

const KeyTable& schedule_keys() {
  const auto steps = [](const char* name, const char* description, Range range) {
    return Key{.name = name, .type = KeyType::kInteger, .unit = "steps",
               .description = description, .range = range, .max = 1e15, .required = true};
  };
  static const KeyTable t{
      "The learning-rate schedule as configured",
      {{.name = "kind", .type = KeyType::kChoice, .description = "schedule shape",
        .choices = {"wsd", "cosine"}, .required = true},
       steps("warmup_steps", "linear warmup", Range::kNonNegative),
       steps("decay_steps", "final decay (WSD)", Range::kNonNegative),
       steps("total_steps", "optimizer steps in all", Range::kPositive),
       {.name = "decay_shape", .type = KeyType::kChoice,
        .description = "WSD cooldown shape: linear or one_minus_sqrt (Hägele et al. 2024, Sec. 3.2)",
        .choices = {"linear", "one_minus_sqrt"}, .default_value = "linear"},
       {.name = "final_lr_fraction", .unit = "fraction of the peak LR",
        .description = "the LR the decay ends at, over the peak (Hägele et al. 2024's cosine: 0.1)",
        .range = Range::kNonNegative, .max = 1, .default_value = 0}},
      {}};
  return t;
}

const KeyTable& shape_keys() {
  const auto dim = [](const char* name, const char* description, bool required) {
    return Key{.name = name, .type = KeyType::kInteger, .description = description,
               .range = Range::kPositive, .required = required};
  };
  static const KeyTable t{
      "The transformer's shape; params are its non-embedding weights (12 n_layer d_model^2 "
      "for the GPT shape)",
      {dim("n_layer", "layers", true), dim("d_model", "model width", true),
       dim("n_head", "attention heads (must divide d_model)", true),
       dim("n_kv_heads", "key/value heads (GQA; must divide n_head); n_head when absent", false),
       dim("ffn_hidden",
           "FFN inner width; 4 d_model (gelu) or 8/3 d_model rounded up to 256 (swiglu) when "
           "absent",
           false),
       {.name = "ffn_kind", .type = KeyType::kChoice, .description = "FFN activation",
        .choices = {"gelu", "swiglu"}, .default_value = "gelu"},
       dim("vocab", "vocabulary; model.vocab when absent", false)},
      {}};
  return t;
}

const KeyTable& moe_keys() {
  const auto count = [](const char* name, const char* description, Range range) {
    return Key{.name = name, .type = KeyType::kInteger, .description = description,
               .range = range, .max = 1e6, .required = true};
  };
  static const KeyTable t{
      "A Mixture-of-Experts FFN in every layer (docs/models.md); run.shape's ffn_kind applies to "
      "each expert, its ffn_hidden is unused",
      {count("experts", "routed experts per layer", Range::kPositive),
       count("top_k", "routed experts each token uses (at most experts)", Range::kPositive),
       {.name = "shared_experts", .type = KeyType::kInteger,
        .description = "experts every token uses (DeepSeekMoE)", .range = Range::kNonNegative,
        .max = 1e6, .default_value = 0},
       count("expert_hidden", "one expert's inner width", Range::kPositive),
       {.name = "max_nodes_per_token", .type = KeyType::kInteger, .unit = "nodes",
        .description = "node-limited routing: each token goes to at most this many nodes, sent "
                       "once per node then forwarded over NVLink (DeepSeek-V3: 4); absent: "
                       "unlimited, a plain all-to-all",
        .range = Range::kPositive, .max = 1e6}},
      {}};
  return t;
}

const KeyTable& layout_keys() {
  const auto degree = [](const char* name, const char* description) {
    return Key{.name = name, .type = KeyType::kInteger, .description = description,
               .range = Range::kPositive};
  };
  const auto flag = [](const char* name, const char* description) {
    return Key{.name = name, .type = KeyType::kBool, .description = description};
  };
  static const KeyTable t{
      "The parallel layout as configured; what is absent the planner chooses as `plan` would",
      {degree("tensor_parallel", "tensor-parallel degree (divides n_head)"),
       degree("pipeline_parallel", "pipeline stages"),
       degree("virtual_stages", "interleaved 1F1B chunks per stage"),
       degree("context_parallel", "context-parallel degree (divides seq_len)"),
       degree("data_parallel", "data-parallel degree; must be gpus / (tensor x pipeline x "
                               "context)"),
       degree("expert_parallel", "expert-parallel degree (an MoE: divides run.moe.experts and "
                                 "data_parallel)"),
       degree("micro_batch_size", "sequences per micro-batch"),
       {.name = "recompute", .type = KeyType::kChoice, .description = "activation recomputation",
        .choices = {"none", "selective", "full"}},
       {.name = "zero_stage", .type = KeyType::kInteger,
        .description = "0 plain data parallel, 1 optimizer states sharded (distributed "
                       "optimizer), 2 and gradients, 3 and weights (FSDP)",
        .range = Range::kNonNegative, .max = 3},
       flag("sequence_parallel", "norms and dropout split over tensor-parallel ranks"),
       flag("flash_attention", "fused attention (false: materialised s x s scores, as "
                               "Megatron 2021-22)"),
       flag("overlap_data_parallel", "data-parallel collectives overlapped with the backward"),
       flag("overlap_expert_parallel", "an MoE's all-to-all overlapped with another "
                                       "micro-batch's compute (DualPipe); default false"),
       {.name = "kernels", .type = KeyType::kChoice,
        .description = "fused (Megatron, NeMo, Transformer Engine) or eager (one PyTorch "
                       "kernel per operation, e.g. Composer + FSDP)",
        .choices = {"fused", "eager"}, .default_value = "fused"}},
      {}};
  return t;
}

const KeyTable& run_keys() {
  static const ProposedRun d;
  static const KeyTable t{
      "The proposed run: exactly one of params or shape",
      {{.name = "params", .unit = "parameters", .description = "model size N",
        .range = Range::kPositive},
       {.name = "shape", .type = KeyType::kMap, .description = "the shape, instead of params",
        .table = &shape_keys()},
       {.name = "moe", .type = KeyType::kMap,
        .description = "Mixture-of-Experts FFN (needs shape); absent: dense", .table = &moe_keys()},
       {.name = "tokens", .unit = "tokens", .description = "training tokens D",
        .range = Range::kPositive, .required = true},
       {.name = "batch_tokens", .type = KeyType::kInteger, .unit = "tokens",
        .description = "global batch; checked against model.hyperparameter_law's optimum",
        .range = Range::kPositive},
       {.name = "learning_rate",
        .description = "peak learning rate; checked against model.hyperparameter_law",
        .range = Range::kPositive},
       {.name = "schedule", .type = KeyType::kMap, .description = "the schedule as configured",
        .table = &schedule_keys()},
       {.name = "precision", .type = KeyType::kChoice, .description = "training precision",
        .choices = precision_names(), .default_value = to_string(d.precision)},
       {.name = "gpu", .type = KeyType::kString, .description = "a GPU from `scaleplan gpus`",
        .required = true, .missing = "missing: name a GPU from `scaleplan gpus`"},
       {.name = "gpus", .type = KeyType::kInteger, .unit = "GPUs", .description = "GPU count",
        .range = Range::kPositive, .required = true},
       {.name = "pricing", .type = KeyType::kChoice, .description = "which price the run pays",
        .choices = {"on_demand", "spot"}, .default_value = to_string(d.pricing)},
       {.name = "seq_len", .type = KeyType::kInteger, .unit = "tokens",
        .description = "training sequence length", .range = Range::kPositive,
        .default_value = d.seq_len},
       {.name = "expected_usd", .unit = "USD",
        .description = "the cost you expect; warns when the model's differs by > 20%",
        .range = Range::kPositive},
       {.name = "layout", .type = KeyType::kMap, .description = "the parallel layout",
        .table = &layout_keys()}},
      {{.keys = {"params", "shape"}}}};
  return t;
}

const KeyTable& run_hardware_keys() {
  static const KeyTable t = subset(*budget_keys().key("hardware").table, hardware_run_keys(),
                                   "How the GPUs run, as in a budget: price, MFU, goodput, "
                                   "cluster links, spot behaviour");
  return t;
}

/// A budget's section without its bounds (model.params, data.tokens...): a run is one run.
Key without_bounds(const Key& section, const std::vector<std::string>& bounds) {
  std::vector<std::string> names;
  for (const std::string& name : section.table->names())
    if (std::find(bounds.begin(), bounds.end(), name) == bounds.end()) names.push_back(name);
  static std::map<std::string, KeyTable> tables;  // built once per section, kept for the Key
  const auto [at, added] = tables.try_emplace(section.name, subset(*section.table, names,
                                                                   section.table->description));
  Key k = section;
  k.table = &at->second;
  return k;
}

const KeyTable& root_keys() {
  const KeyTable& budget = budget_keys();
  static const KeyTable t{
      "A proposed training run for `scaleplan check` (docs/check.md)",
      {{.name = "run", .type = KeyType::kMap, .description = "the run", .required = true,
        .missing = "missing section", .table = &run_keys()},
       without_bounds(budget.key("model"), {"params", "architectures", "experts", "top_k"}),
       {.name = "hardware", .type = KeyType::kMap,
        .description = "price, MFU, goodput, cluster and spot overrides",
        .table = &run_hardware_keys()},
       without_bounds(budget.key("data"), {"tokens", "tokens_per_param"})},
      {}};
  return t;
}

void remember(ProposedRun& r, const YamlMap& m, const std::string& key) {
  if (m.has(key)) r.positions[m.field(key)] = m.pos(key);
}

Schedule read_schedule(const YamlMap& m) {
  m.check_keys();
  Schedule s;
  s.kind = *m.string("kind") == "wsd" ? ScheduleKind::kWsd : ScheduleKind::kCosine;
  s.warmup_steps = *m.long_integer("warmup_steps");
  s.decay_steps = *m.long_integer("decay_steps");
  s.total_steps = *m.long_integer("total_steps");
  if (const auto shape = m.string("decay_shape")) {
    if (s.kind == ScheduleKind::kCosine) m.fail("decay_shape", "applies to kind: wsd only");
    s.decay_shape = *shape == "one_minus_sqrt" ? DecayShape::kOneMinusSqrt : DecayShape::kLinear;
  }
  if (const auto f = m.number("final_lr_fraction")) s.final_lr_fraction = *f;
  if (s.warmup_steps + s.decay_steps > s.total_steps)
    m.fail("total_steps", "must be at least warmup_steps + decay_steps");
  return s;
}

/// A shape as the run file gives it; vocab 0 when the file leaves it to model.vocab.
Shape read_shape(const YamlMap& m) {
  m.check_keys();
  Shape s;
  s.n_layer = *m.integer("n_layer");
  s.d_model = *m.integer("d_model");
  s.n_head = *m.integer("n_head");
  if (s.d_model % s.n_head != 0) m.fail("n_head", "must divide d_model");
  s.n_kv_heads = m.integer("n_kv_heads").value_or(s.n_head);
  if (s.n_head % s.n_kv_heads != 0) m.fail("n_kv_heads", "must divide n_head");
  if (const auto kind = m.string("ffn_kind")) s.ffn_kind = *parse_ffn_kind(*kind);
  // Without ffn_hidden: 4 d_model for GELU; 8/3 d_model rounded up to 256 for SwiGLU (the same
  // parameter count, as Llama's multiple_of rounding does).
  const int default_hidden = s.ffn_kind == FfnKind::kGelu
                                 ? 4 * s.d_model
                                 : (8 * s.d_model / 3 + 255) / 256 * 256;
  s.ffn_hidden = m.integer("ffn_hidden").value_or(default_hidden);
  s.vocab = m.integer("vocab").value_or(0);
  return s;
}

Moe read_moe(const YamlMap& m) {
  m.check_keys();
  Moe moe;
  moe.experts = *m.integer("experts");
  moe.top_k = *m.integer("top_k");
  moe.shared_experts = m.integer("shared_experts").value_or(0);
  moe.expert_hidden = *m.integer("expert_hidden");
  moe.max_nodes_per_token = m.integer("max_nodes_per_token").value_or(0);
  if (moe.top_k > moe.experts)
    m.fail("top_k", "must be at most experts (" + std::to_string(moe.experts) + ")");
  return moe;
}

void remember_keys(ProposedRun& r, const YamlMap& m) {
  for (const Key& k : m.table->keys) remember(r, m, k.name);
}

LayoutRequest read_layout(const YamlMap& m, ProposedRun& r) {
  m.check_keys();
  LayoutRequest l;
  l.tensor_parallel = m.integer("tensor_parallel");
  l.pipeline_parallel = m.integer("pipeline_parallel");
  l.virtual_stages = m.integer("virtual_stages");
  l.context_parallel = m.integer("context_parallel");
  l.micro_batch_size = m.integer("micro_batch_size");
  l.expert_parallel = m.integer("expert_parallel");
  l.zero_stage = m.integer("zero_stage");
  if (const auto rc = m.string("recompute")) l.recompute = parse_recompute(*rc);
  l.sequence_parallel = m.boolean("sequence_parallel");
  l.flash_attention = m.boolean("flash_attention");
  l.overlap_data_parallel = m.boolean("overlap_data_parallel");
  l.overlap_expert_parallel = m.boolean("overlap_expert_parallel");
  if (const auto k = m.string("kernels")) l.kernels = parse_kernels(*k);
  if (const auto dp = m.integer("data_parallel")) {
    const int model_parallel = l.tensor_parallel.value_or(1) * l.pipeline_parallel.value_or(1) *
                               l.context_parallel.value_or(1);
    if (static_cast<long long>(*dp) * model_parallel != r.gpus)
      m.fail("data_parallel", "must equal run.gpus / (tensor x pipeline x context parallel) = " +
                                  std::to_string(r.gpus) + " / " + std::to_string(model_parallel));
  }
  remember_keys(r, m);
  return l;
}

void read_run_section(const YamlMap& m, ProposedRun& r) {
  m.check_keys();
  if (m.has("shape")) {
    r.shape = read_shape(m.map("shape"));
    if (m.has("moe")) r.shape->moe = read_moe(m.map("moe"));
  } else {
    if (m.has("moe")) m.fail("moe", "needs run.shape (the experts are part of the shape)");
    r.params = *m.number("params");
  }
  r.tokens = *m.number("tokens");
  r.batch_tokens = m.long_integer("batch_tokens");
  r.learning_rate = m.number("learning_rate");
  if (m.has("schedule")) r.schedule = read_schedule(m.map("schedule"));
  if (const auto precision = m.string("precision")) r.precision = *parse_precision(*precision);
  r.gpu = *m.string("gpu");
  r.gpus = *m.integer("gpus");
  if (const auto p = m.string("pricing"))
    r.pricing = *p == "spot" ? Pricing::kSpot : Pricing::kOnDemand;
  if (const auto s = m.integer("seq_len")) r.seq_len = *s;
  r.expected_usd = m.number("expected_usd");
  if (m.has("layout")) r.layout = read_layout(m.map("layout"), r);
  remember_keys(r, m);
}

}  // namespace

const KeyTable& run_file_keys() { return root_keys(); }

ProposedRun parse_run(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file, run_file_keys());
  root.check_keys();
  ProposedRun r;
  r.context.positions[""] = root.pos();
  r.positions["run"] = root.pos("run");
  read_run_section(root.map("run"), r);
  if (root.has("model")) read_model_section(root.map("model"), r.context);
  if (root.has("hardware")) {
    const YamlMap hw = root.map("hardware");
    hw.check_keys();
    read_hardware_run_keys(hw, r.context);
  }
  if (root.has("data")) read_data_section(root.map("data"), r.context);
  r.context.gpu = r.gpu;
  r.context.count = r.gpus;
  r.context.pricing = r.pricing;
  r.context.precisions = {r.precision};
  r.context.seq_len = r.seq_len;
  // A shape's vocabulary defaults to model.vocab; params are the shape's non-embedding weights.
  if (r.shape && r.shape->vocab == 0) r.shape->vocab = r.context.vocab;
  if (r.shape) r.params = non_embedding_params(*r.shape);
  return r;
}

}  // namespace scaleplan
