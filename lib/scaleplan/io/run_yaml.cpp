#include "scaleplan/io/run_yaml.hpp"

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
       steps("total_steps", "optimizer steps in all", Range::kPositive)},
      {}};
  return t;
}

const KeyTable& shape_keys() {
  const auto dim = [](const char* name, const char* description) {
    return Key{.name = name, .type = KeyType::kInteger, .description = description,
               .range = Range::kPositive, .required = true};
  };
  static const KeyTable t{"The transformer's shape: params = 12 n_layer d_model^2",
                          {dim("n_layer", "layers"), dim("d_model", "model width"),
                           dim("n_head", "attention heads (must divide d_model)")},
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
       {.name = "tokens", .unit = "tokens", .description = "training tokens D",
        .range = Range::kPositive, .required = true},
       {.name = "batch_tokens", .type = KeyType::kInteger, .unit = "tokens",
        .description = "global batch; checked against the critical batch",
        .range = Range::kPositive},
       {.name = "learning_rate", .description = "peak learning rate; checked against DeepSeek's law",
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
        .range = Range::kPositive}},
      {{.keys = {"params", "shape"}}}};
  return t;
}

const KeyTable& run_hardware_keys() {
  static const KeyTable t = subset(*budget_keys().key("hardware").table,
                                   {"price_usd_per_gpu_hour", "mfu"},
                                   "Price and MFU overrides, as in a budget");
  return t;
}

const KeyTable& root_keys() {
  const KeyTable& budget = budget_keys();
  static const KeyTable t{
      "A proposed training run for `scaleplan check` (docs/check.md)",
      {{.name = "run", .type = KeyType::kMap, .description = "the run", .required = true,
        .missing = "missing section", .table = &run_keys()},
       budget.key("model"),
       {.name = "hardware", .type = KeyType::kMap, .description = "price and MFU overrides",
        .table = &run_hardware_keys()},
       budget.key("data")},
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
  if (s.warmup_steps + s.decay_steps > s.total_steps)
    m.fail("total_steps", "must be at least warmup_steps + decay_steps");
  return s;
}

Shape read_shape(const YamlMap& m) {
  m.check_keys();
  Shape s;
  s.n_layer = *m.integer("n_layer");
  s.d_model = *m.integer("d_model");
  s.n_head = *m.integer("n_head");
  if (s.d_model % s.n_head != 0) m.fail("n_head", "must divide d_model");
  s.params = 12.0 * s.n_layer * static_cast<double>(s.d_model) * s.d_model;
  return s;
}

void read_run_section(const YamlMap& m, ProposedRun& r) {
  m.check_keys();
  if (m.has("shape")) {
    r.shape = read_shape(m.map("shape"));
    r.params = r.shape->params;
  } else {
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
  for (const Key& k : m.table->keys) remember(r, m, k.name);
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
    read_price_and_mfu(hw, r.context);
  }
  if (root.has("data")) read_data_section(root.map("data"), r.context);
  r.context.gpu = r.gpu;
  r.context.count = r.gpus;
  r.context.pricing = r.pricing;
  r.context.precisions = {r.precision};
  r.context.seq_len = r.seq_len;
  return r;
}

}  // namespace scaleplan
