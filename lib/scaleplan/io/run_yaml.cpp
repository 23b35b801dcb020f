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

/// A shape as the run file gives it; vocab 0 when the file leaves it to model.vocab.
Shape read_shape(const YamlMap& m) {
  m.check_keys({"n_layer", "d_model", "n_head", "n_kv_heads", "ffn_hidden", "ffn_kind", "vocab"});
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
  s.n_kv_heads = m.positive_int("n_kv_heads").value_or(s.n_head);
  if (s.n_head % s.n_kv_heads != 0) m.fail("n_kv_heads", "must divide n_head");
  if (const auto kind = m.choice("ffn_kind", {"gelu", "swiglu"})) s.ffn_kind = *parse_ffn_kind(*kind);
  // Without ffn_hidden: 4 d_model for GELU; 8/3 d_model, rounded up to 256, for SwiGLU (the
  // same parameter count, as Llama's multiple_of rounding does).
  const int default_hidden = s.ffn_kind == FfnKind::kGelu
                                 ? 4 * s.d_model
                                 : (8 * s.d_model / 3 + 255) / 256 * 256;
  s.ffn_hidden = m.positive_int("ffn_hidden").value_or(default_hidden);
  s.vocab = m.positive_int("vocab").value_or(0);
  return s;
}

LayoutRequest read_layout(const YamlMap& m, ProposedRun& r) {
  m.check_keys({"tensor_parallel", "pipeline_parallel", "virtual_stages", "context_parallel",
                "data_parallel", "micro_batch_size", "recompute", "zero_stage",
                "sequence_parallel", "flash_attention", "overlap_data_parallel", "kernels"});
  LayoutRequest l;
  l.tensor_parallel = m.positive_int("tensor_parallel");
  l.pipeline_parallel = m.positive_int("pipeline_parallel");
  l.virtual_stages = m.positive_int("virtual_stages");
  l.context_parallel = m.positive_int("context_parallel");
  l.micro_batch_size = m.positive_int("micro_batch_size");
  if (const auto z = m.choice("zero_stage", {"0", "1", "2", "3"})) l.zero_stage = std::stoi(*z);
  if (const auto rc = m.choice("recompute", {"none", "selective", "full"}))
    l.recompute = parse_recompute(*rc);
  l.sequence_parallel = m.boolean("sequence_parallel");
  l.flash_attention = m.boolean("flash_attention");
  l.overlap_data_parallel = m.boolean("overlap_data_parallel");
  if (const auto k = m.choice("kernels", {"fused", "eager"})) l.kernels = parse_kernels(*k);
  if (const auto dp = m.positive_int("data_parallel")) {
    const int model_parallel = l.tensor_parallel.value_or(1) * l.pipeline_parallel.value_or(1) *
                               l.context_parallel.value_or(1);
    if (static_cast<long long>(*dp) * model_parallel != r.gpus)
      m.fail("data_parallel", "must equal run.gpus / (tensor x pipeline x context parallel) = " +
                                  std::to_string(r.gpus) + " / " + std::to_string(model_parallel));
  }
  for (const char* key : {"tensor_parallel", "pipeline_parallel", "virtual_stages",
                          "context_parallel", "data_parallel", "micro_batch_size", "recompute",
                          "zero_stage", "sequence_parallel", "flash_attention",
                          "overlap_data_parallel", "kernels"})
    remember(r, m, key);
  return l;
}

void read_run_section(const YamlMap& m, ProposedRun& r) {
  m.check_keys({"params", "shape", "tokens", "batch_tokens", "learning_rate", "schedule",
                "precision", "gpu", "gpus", "pricing", "seq_len", "expected_usd", "layout"});
  if (m.has("params") && m.has("shape")) m.fail("shape", "give params or shape, not both");
  if (m.has("shape")) {
    r.shape = read_shape(m.map("shape"));
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
  if (m.has("layout")) r.layout = read_layout(m.map("layout"), r);
  for (const char* key : {"params", "shape", "tokens", "batch_tokens", "learning_rate", "schedule",
                          "precision", "gpu", "gpus", "pricing", "seq_len", "expected_usd",
                          "layout"})
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
    hw.check_keys(kHardwareRunKeys);
    read_hardware_run_keys(hw, r.context);
  }
  if (root.has("data")) read_data_section(root.map("data"), r.context);
  r.context.gpu = r.gpu;
  r.context.count = r.gpus;
  r.context.pricing = r.pricing;
  r.context.precisions = {r.precision};
  r.context.seq_len = r.seq_len;
  // A shape's vocabulary defaults to model.vocab; a bare params count gets the planner's shape.
  if (r.shape && r.shape->vocab == 0) r.shape->vocab = r.context.vocab;
  if (r.shape) r.params = non_embedding_params(*r.shape);
  return r;
}

}  // namespace scaleplan
