#include "scaleplan/io/run_yaml.hpp"

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

void remember(ProposedRun& r, const YamlMap& m, const std::string& key) {
  if (m.has(key)) r.positions[m.field(key)] = m.pos(key);
}

Schedule read_schedule(const YamlMap& m) {
  m.check_keys({"kind", "warmup_steps", "decay_steps", "total_steps"});
  Schedule s;
  const auto kind = m.choice("kind", {"wsd", "cosine"});
  if (!kind) throw InputError(m.pos(), m.field("kind"), "missing (wsd or cosine)");
  s.kind = *kind == "wsd" ? ScheduleKind::kWsd : ScheduleKind::kCosine;
  const auto steps = [&](const std::string& key, bool zero_ok) -> long long {
    const auto v = zero_ok ? m.non_negative(key) : m.positive(key);
    if (!v) throw InputError(m.pos(), m.field(key), "missing");
    if (*v != std::floor(*v) || *v > 1e15) m.fail(key, "must be a whole number of steps");
    return static_cast<long long>(*v);
  };
  s.warmup_steps = steps("warmup_steps", true);
  s.decay_steps = steps("decay_steps", true);
  s.total_steps = steps("total_steps", false);
  if (s.warmup_steps + s.decay_steps > s.total_steps)
    m.fail("total_steps", "must be at least warmup_steps + decay_steps");
  return s;
}

Shape read_shape(const YamlMap& m) {
  m.check_keys({"n_layer", "d_model", "n_head"});
  Shape s;
  const auto get = [&](const std::string& key) {
    const auto v = m.positive_int(key);
    if (!v) throw InputError(m.pos(), m.field(key), "missing");
    return *v;
  };
  s.n_layer = get("n_layer");
  s.d_model = get("d_model");
  s.n_head = get("n_head");
  if (s.d_model % s.n_head != 0) m.fail("n_head", "must divide d_model");
  s.params = 12.0 * s.n_layer * static_cast<double>(s.d_model) * s.d_model;
  return s;
}

void read_run_section(const YamlMap& m, ProposedRun& r) {
  m.check_keys({"params", "shape", "tokens", "batch_tokens", "learning_rate", "schedule",
                "precision", "gpu", "gpus", "pricing", "seq_len", "expected_usd"});
  if (m.has("params") && m.has("shape")) m.fail("shape", "give params or shape, not both");
  if (m.has("shape")) {
    r.shape = read_shape(m.map("shape"));
    r.params = r.shape->params;
  } else if (const auto p = m.positive("params")) {
    r.params = *p;
  } else {
    throw InputError(m.pos(), m.field("params"), "missing: give params or shape");
  }
  const auto tokens = m.positive("tokens");
  if (!tokens) throw InputError(m.pos(), m.field("tokens"), "missing");
  r.tokens = *tokens;
  if (const auto b = m.positive_int("batch_tokens")) r.batch_tokens = *b;
  r.learning_rate = m.positive("learning_rate");
  if (m.has("schedule")) r.schedule = read_schedule(m.map("schedule"));
  const auto precision = m.choice("precision", {"fp32", "tf32", "bf16", "fp8", "fp4"});
  if (precision) r.precision = *parse_precision(*precision);
  const auto gpu = m.string("gpu");
  if (!gpu) throw InputError(m.pos(), m.field("gpu"), "missing: name a GPU from `scaleplan gpus`");
  r.gpu = *gpu;
  const auto gpus = m.positive_int("gpus");
  if (!gpus) throw InputError(m.pos(), m.field("gpus"), "missing");
  r.gpus = *gpus;
  if (const auto p = m.choice("pricing", {"on_demand", "spot"}))
    r.pricing = *p == "spot" ? Pricing::kSpot : Pricing::kOnDemand;
  if (const auto s = m.positive_int("seq_len")) r.seq_len = *s;
  r.expected_usd = m.positive("expected_usd");
  for (const char* key : {"params", "shape", "tokens", "batch_tokens", "learning_rate", "schedule",
                          "precision", "gpu", "gpus", "pricing", "seq_len", "expected_usd"})
    remember(r, m, key);
}

}  // namespace

ProposedRun parse_run(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file);
  root.check_keys({"run", "model", "hardware", "data"});
  ProposedRun r;
  r.context.positions[""] = root.pos();
  if (!root.has("run")) throw InputError(root.pos(), "run", "missing section");
  r.positions["run"] = root.pos("run");
  read_run_section(root.map("run"), r);
  if (root.has("model")) read_model_section(root.map("model"), r.context);
  if (root.has("hardware")) {
    const YamlMap hw = root.map("hardware");
    hw.check_keys({"price_usd_per_gpu_hour", "mfu"});
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
