#include "scaleplan/io/report.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <iomanip>

namespace scaleplan {
namespace {

/// The schedule the law's loss is taken to be for (recipe.hpp: reference_schedule).
constexpr const char* kLawScheduleReference =
    "WSD with a 20% linear cooldown to 0 (Hägele et al. 2024, Sec. 3.2: matches cosine)";

void emit_yaml(YAML::Emitter& e, const Tree& j) {
  if ((j.is_array() || j.is_object()) && j.empty()) {
    e << YAML::Flow << (j.is_array() ? YAML::BeginSeq : YAML::BeginMap)
      << (j.is_array() ? YAML::EndSeq : YAML::EndMap);
  } else if (j.is_object()) {
    e << YAML::BeginMap;
    for (const auto& [key, value] : j.items()) {
      e << YAML::Key << valid_utf8(key) << YAML::Value;
      emit_yaml(e, value);
    }
    e << YAML::EndMap;
  } else if (j.is_array()) {
    e << YAML::BeginSeq;
    for (const auto& value : j) emit_yaml(e, value);
    e << YAML::EndSeq;
  } else if (j.is_string()) {
    e << valid_utf8(j.get_ref<const std::string&>());
  } else if (j.is_boolean()) {
    e << j.get<bool>();
  } else if (j.is_number_integer()) {
    e << j.get<long long>();
  } else if (j.is_number()) {
    e << fmt("%.10g", j.get<double>());
  } else {
    e << YAML::Null;
  }
}

}  // namespace

std::optional<OutputFormat> parse_format(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "yaml") return OutputFormat::kYaml;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "github") return OutputFormat::kGithub;
  return std::nullopt;
}

Tree number_or_null(double x, bool known) { return known ? Tree(x) : Tree(nullptr); }

namespace {

/// The path of the first non-finite number under `j` ("predicted.loss", "[3].loss"), if any.
std::optional<std::string> first_non_finite(const Tree& j, const std::string& path) {
  if (j.is_number_float() && !std::isfinite(j.get<double>()))
    return path + " = " + fmt("%g", j.get<double>());
  if (j.is_object()) {
    for (const auto& [key, value] : j.items())
      if (auto bad = first_non_finite(value, path.empty() ? key : path + "." + key)) return bad;
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      if (auto bad = first_non_finite(j[i], path + "[" + std::to_string(i) + "]")) return bad;
  }
  return std::nullopt;
}

}  // namespace

void require_finite(const Tree& tree) {
  if (const auto bad = first_non_finite(tree, ""))
    throw InfeasibleError("the result is not a finite number: " + printable(*bad) +
                          " (an input is beyond the range the models compute in)");
}

void print_tree(const Tree& tree, OutputFormat format, std::ostream& out) {
  require_finite(tree);
  if (format == OutputFormat::kYaml) {
    YAML::Emitter e;
    emit_yaml(e, tree);
    out << e.c_str() << "\n";
  } else {
    out << tree.dump(2, ' ', false, Tree::error_handler_t::replace) << "\n";
  }
}

Tree layout_to_json(const Layout& l) {
  Tree t = {{"tensor_parallel", l.tensor_parallel},
          {"pipeline_parallel", l.pipeline_parallel},
          {"virtual_stages", l.virtual_stages},
          {"context_parallel", l.context_parallel},
          {"data_parallel", l.data_parallel},
          {"micro_batch_size", l.micro_batch_size},
          {"recompute", to_string(l.recompute)},
          {"zero_stage", l.zero_stage},
          {"sequence_parallel", l.sequence_parallel},
          {"flash_attention", l.flash_attention},
          {"overlap_data_parallel", l.overlap_data_parallel},
          {"kernels", to_string(l.kernels)}};
  if (l.expert_parallel > 1) {
    t["expert_parallel"] = l.expert_parallel;
    t["overlap_expert_parallel"] = l.overlap_expert_parallel;
  }
  return t;
}

Tree step_to_json(const Evaluation& e) {
  const StepTime& s = e.step;
  return {{"seconds", s.seconds},
          {"tokens_per_second", e.tokens_per_second},
          {"mfu", e.mfu},
          {"bubble_fraction", s.bubble_fraction()},
          {"exposed_communication_fraction", s.exposed_communication_fraction()},
          {"parts_seconds",
           {{"compute", s.compute_s},
            {"bubble", s.bubble_s},
            {"tensor_parallel", s.tp_comm_s},
            {"context_parallel", s.cp_comm_s},
            {"expert_parallel", s.ep_comm_s},
            {"pipeline_parallel", s.pp_comm_s},
            {"data_parallel", s.dp_comm_s},
            {"optimizer", s.optimizer_s},
            {"overhead", s.overhead_s}}}};
}

Tree memory_to_json(const Evaluation& e) {
  const MemoryUse& m = e.memory;
  return {{"gib_per_gpu", m.total() / kGib},  {"weights", m.weights / kGib},
          {"gradients", m.gradients / kGib},  {"optimizer", m.optimizer / kGib},
          {"activations", m.activations / kGib}, {"buffers", m.buffers / kGib},
          {"usable_gib", e.memory_limit / kGib}};
}

Tree data_to_json(const Evaluation& e) {
  const DataTerms& d = e.data;
  return {{"unique_tokens", d.unique_tokens},
          {"epochs", d.epochs},
          {"effective_tokens", d.effective_tokens},
          {"unique_params", d.unique_params},
          {"effective_params", d.effective_params},
          {"repetition_loss", e.repetition_loss},
          {"excess_params_loss", e.excess_params_loss},
          {"r_d_star", d.r_d_star},
          {"r_n_star", d.r_n_star}};
}

Tree moe_to_json(const Moe& m) {
  Tree t = {{"experts", m.experts},
            {"top_k", m.top_k},
            {"shared_experts", m.shared_experts},
            {"expert_hidden", m.expert_hidden}};
  if (m.max_nodes_per_token > 0) t["max_nodes_per_token"] = m.max_nodes_per_token;
  return t;
}

/// An MoE shape adds its experts and its total parameters; `params` are the active ones.
Tree shape_to_json(const Shape& s) {
  Tree t = {{"n_layer", s.n_layer},
            {"d_model", s.d_model},
            {"n_head", s.n_head},
            {"n_kv_heads", s.n_kv_heads},
            {"ffn_hidden", s.ffn_hidden},
            {"ffn_kind", to_string(s.ffn_kind)},
            {"vocab", s.vocab},
            {"params", non_embedding_params(s)}};
  if (is_moe(s)) {
    t["moe"] = moe_to_json(s.moe);
    t["total_params"] = total_non_embedding_params(s);
  }
  return t;
}

Tree plan_run_file(const Plan& p, const Budget& b, const std::string& law) {
  const TrainingRun& r = p.run;
  const Evaluation& e = p.evaluation;
  const Schedule& s = e.recipe.schedule;
  Tree shape = shape_to_json(r.shape);
  shape.erase("params");  // derived from the shape; the run file computes it
  shape.erase("total_params");
  shape.erase("moe");  // run.moe in a run file
  Tree run = {{"shape", shape},
              {"tokens", r.tokens},
              {"batch_tokens", e.batch_tokens},
              {"learning_rate", e.recipe.learning_rate},
              {"schedule",
               {{"kind", to_string(s.kind)},
                {"warmup_steps", s.warmup_steps},
                {"decay_steps", s.decay_steps},
                {"total_steps", s.total_steps},
                {"final_lr_fraction", s.final_lr_fraction}}},
              {"precision", to_string(r.precision)},
              {"gpu", r.gpu.name},
              {"gpus", r.gpus},
              {"pricing", to_string(r.pricing)},
              {"seq_len", r.seq_len}};
  if (is_moe(r.shape)) run["moe"] = moe_to_json(r.shape.moe);
  if (std::isfinite(e.cost.usd)) run["expected_usd"] = e.cost.usd;
  run["layout"] = layout_to_json(r.layout);
  Tree hardware = Tree::object();
  if (!std::isnan(r.usd_per_gpu_hour))
    hardware["price_usd_per_gpu_hour"] = {{to_string(r.pricing), r.usd_per_gpu_hour}};
  if (b.mfu) hardware["mfu"] = *b.mfu;
  if (b.goodput) hardware["goodput"] = *b.goodput;
  if (b.gpus_per_node) hardware["gpus_per_node"] = *b.gpus_per_node;
  if (b.scale_out_gbps) hardware["scale_out_gbps"] = *b.scale_out_gbps;
  if (r.pricing == Pricing::kSpot) {
    hardware["spot_interruptions_per_hour"] = b.spot.interruptions_per_instance_hour;
    hardware["gpus_per_instance"] = b.spot.gpus_per_instance;
    hardware["checkpoint_write_gbps"] = b.spot.checkpoint_write_gbps;
  }
  Tree j = {{"run", run},
            {"model",
             {{"law", law},
              {"flops_per_token", b.flops_per_token == FlopsConvention::k6N ? "6N" : "detailed"},
              {"hyperparameter_law", to_string(r.hyperparameter_law)}}}};
  if (r.critical_batch != kDefaultCriticalBatchLaw)
    j["model"]["critical_batch"] = to_string(r.critical_batch);
  if (!b.precision_quality.empty()) {
    Tree q = Tree::object();
    for (const auto& [precision, value] : b.precision_quality) q[to_string(precision)] = value;
    j["model"]["precision_quality"] = q;
  }
  if (b.fp4_overhead != kDefaultFp4Overhead) j["model"]["fp4_overhead"] = b.fp4_overhead;
  if (b.aspect_ratio != kAspectRatio) j["model"]["aspect_ratio"] = b.aspect_ratio;
  if (!hardware.empty()) j["hardware"] = hardware;
  if (b.unique_tokens) j["data"] = {{"unique_tokens", *b.unique_tokens}};
  if (b.max_epochs) j["data"]["max_epochs"] = *b.max_epochs;
  if (!b.sources.empty()) {
    Tree sources = Tree::array();
    for (const DataPool& pool : b.sources)
      sources.push_back({{"name", pool.name},
                         {"unique_tokens", pool.unique_tokens},
                         {"quality", pool.quality},
                         {"half_life_epochs", pool.half_life_epochs}});
    j["data"]["sources"] = sources;
  }
  return j;
}

Tree gpu_alternative_to_json(const GpuAlternative& a) {
  Tree j = {{"gpu", a.gpu}, {"chosen", a.chosen}, {"has_run", a.has_run}};
  if (!a.has_run) {
    j["unavailable"] = a.unavailable;
    return j;
  }
  j["loss"] = a.loss;
  j["params"] = a.params;
  j["tokens"] = a.tokens;
  j["gpus"] = a.gpus;
  j["precision"] = a.precision;
  j["pricing"] = a.pricing;
  j["mfu"] = a.mfu;
  j["usd"] = std::isfinite(a.usd) ? Tree(a.usd) : Tree(nullptr);
  j["gpu_hours"] = a.gpu_hours;
  j["wall_hours"] = a.wall_hours;
  if (a.profit_usd) j["profit_usd"] = *a.profit_usd;
  return j;
}

std::string describe_gpu_alternative(const GpuAlternative& a) {
  if (!a.has_run) return a.gpu + ": no run (" + a.unavailable + ")";
  return a.gpu + ": loss " + fmt("%.4f", a.loss) + ", " + human_count(a.params) + " params on " +
         human_count(a.tokens) + " tokens, " + std::to_string(a.gpus) + " GPUs, " +
         (std::isfinite(a.usd) ? human_usd(a.usd) : human_count(a.gpu_hours) + " GPU-hours") +
         ", " + fmt("%.1f", a.wall_hours / 24) + " days" +
         (a.profit_usd ? ", profit " + std::string(*a.profit_usd < 0 ? "-" : "") +
                             human_usd(std::abs(*a.profit_usd))
                       : "") +
         (a.chosen ? " (chosen)" : "");
}

Tree explanation_to_json(const Explanation& x) {
  Tree marginals = Tree::array();
  for (const Marginal& m : x.marginals) {
    Tree t = {{"constraint", m.constraint},
              {"change", m.change},
              {"limit", m.limit},
              {"relaxed_limit", m.relaxed_limit},
              {"feasible", m.feasible},
              {"loss", number_or_null(m.loss, m.feasible)},
              {"loss_gained", number_or_null(m.loss_gained, m.feasible)},
              {"params", number_or_null(m.params, m.feasible)},
              {"tokens", number_or_null(m.tokens, m.feasible)},
              {"gpus", m.gpus}};
    if (m.profit_gained_usd) t["profit_gained_usd"] = *m.profit_gained_usd;
    marginals.push_back(t);
  }
  return {{"reasons", x.reasons},
          {"cost", {{"field", x.budget_field},
                    {"spent", number_or_null(x.spent, std::isfinite(x.spent))},
                    {"limit", x.limit},
                    {"fraction", number_or_null(x.spent / x.limit, std::isfinite(x.spent))}}},
          {"marginals", marginals}};
}

Tree plan_to_json(const Plan& p) {
  const TrainingRun& r = p.run;
  const Evaluation& e = p.evaluation;
  const Schedule& s = e.recipe.schedule;
  // The planner marks a price it does not know (a budget in GPU-hours or FLOPs on a GPU without
  // one) as NaN; every other figure must be a number.
  const bool priced = !std::isnan(r.usd_per_gpu_hour);
  Tree j;
  j["recommendation"] = {{"params", r.params},
                         {"tokens", r.tokens},
                         {"tokens_per_param", r.tokens / r.params},
                         {"precision", to_string(r.precision)},
                         {"gpu", r.gpu.name},
                         {"gpus", r.gpus},
                         {"pricing", to_string(r.pricing)},
                         {"usd_per_gpu_hour", number_or_null(r.usd_per_gpu_hour, priced)},
                         {"shape", shape_to_json(r.shape)},
                         {"seq_len", r.seq_len},
                         {"batch_tokens", e.batch_tokens},
                         {"batch_sequences", r.batch_sequences},
                         {"learning_rate", e.recipe.learning_rate},
                         {"hyperparameter_law", to_string(r.hyperparameter_law)},
                         {"schedule",
                          {{"kind", to_string(s.kind)},
                           {"warmup_steps", s.warmup_steps},
                           {"decay_steps", s.decay_steps},
                           {"total_steps", s.total_steps},
                           {"decay_shape", to_string(s.decay_shape)},
                           {"final_lr_fraction", s.final_lr_fraction},
                           {"law_reference", kLawScheduleReference}}},
                         {"critical_batch", to_string(r.critical_batch)}};
  j["layout"] = layout_to_json(r.layout);
  j["step"] = step_to_json(e);
  j["memory"] = memory_to_json(e);
  j["predicted"] = {{"loss", e.loss},
                    {"data_efficiency", e.data_efficiency},
                    {"batch_loss", e.batch_loss},
                    {"noise_batch_tokens", e.noise_batch_tokens},
                    {"optimal_batch_tokens", e.optimal_batch_tokens},
                    {"optimal_learning_rate", e.optimal_learning_rate}};
  Tree by_precision = Tree::object(), quality = Tree::object();
  for (const Plan::PrecisionLoss& c : p.loss_by_precision) {
    by_precision[to_string(c.precision)] = c.loss;
    quality[to_string(c.precision)] = c.quality;
  }
  j["predicted"]["loss_by_precision"] = by_precision;
  j["predicted"]["quality_by_precision"] = quality;
  if (p.alternative) {
    const ArchitectureAlternative& a = *p.alternative;
    j["architecture_alternative"] = {{"architecture", a.architecture}, {"experts", a.experts},
                                     {"loss", a.loss},  {"params", a.params},
                                     {"tokens", a.tokens}, {"gpus", a.gpus}};
  }
  if (p.loss_interval) {
    j["predicted"]["loss_low"] = p.loss_interval->low;
    j["predicted"]["loss_high"] = p.loss_interval->high;
  }
  if (e.data.applies) j["data"] = data_to_json(e);
  if (e.pools) {
    const PoolMix& m = *e.pools;
    Tree pools = Tree::array();
    for (std::size_t i = 0; i < p.sources.size(); ++i) {
      const DataPool& pool = p.sources[i];
      pools.push_back({{"name", pool.name},
                       {"unique_tokens", pool.unique_tokens},
                       {"quality", pool.quality},
                       {"half_life_epochs", pool.half_life_epochs},
                       {"kept", static_cast<bool>(m.kept[i])},
                       {"tokens", m.tokens[i]},
                       {"epochs", m.kept[i] ? m.epochs : 0.0}});
    }
    j["data_mix"] = {{"union_tokens", m.union_tokens},
                     {"epochs", m.epochs},
                     {"exponent", m.exponent},
                     {"data_term", m.data_term},
                     {"sources", pools}};
  }
  j["compute"] = {{"flops", e.cost.flops}, {"flops_per_token", e.cost.flops_per_token}};
  j["cost"] = {{"usd", number_or_null(e.cost.usd, priced)}, {"gpu_hours", e.cost.gpu_hours}};
  j["time"] = {{"wall_hours", e.cost.wall_hours}};
  if (e.spot)
    j["spot"] = {{"interruptions_expected", e.spot->interruptions_expected},
                 {"checkpoint_interval_minutes", number_or_null(e.spot->checkpoint_interval_minutes,
                                 !std::isinf(e.spot->checkpoint_interval_minutes))},
                 {"lost_work_fraction", e.spot->lost_work_fraction},
                 {"wall_hours_p90", e.spot->wall_hours_p90},
                 {"break_even_interruptions_per_hour",
                  number_or_null(p.break_even_interruptions_per_hour,
                                 !std::isnan(p.break_even_interruptions_per_hour))},
                 {"reason", p.pricing_reason}};
  if (e.serving)
    j["inference"] = {{"tensor_parallel", e.serving->tensor_parallel},
                      {"latency_ms_per_token", e.serving->latency_ms_per_token},
                      {"ttft_ms", e.serving->ttft_ms},
                      {"batch", e.serving->batch},
                      {"tokens_per_s_per_gpu", e.serving->tokens_per_s_per_gpu},
                      {"usd_per_million_tokens", e.serving->usd_per_million_tokens},
                      {"usd_per_query", e.serving->usd_per_query},
                      {"lifetime_usd", e.serving->lifetime_usd},
                      {"ptq_loss", e.ptq_loss},
                      {"served_loss", e.served_loss}};
  if (p.roi) {
    Tree roi = {{"objective", p.roi->objective},
                {"value_usd", p.roi->value_usd},
                {"profit_usd", p.roi->profit_usd},
                {"training_usd", p.roi->training_usd},
                {"inference_usd", p.roi->inference_usd}};
    if (p.roi->loss_min_params)
      roi["loss_minimizing"] = {{"params", *p.roi->loss_min_params},
                                {"tokens", *p.roi->loss_min_tokens},
                                {"loss", *p.roi->loss_min_loss},
                                {"profit_usd", *p.roi->loss_min_profit_usd}};
    j["roi"] = roi;
  }
  j["binding"] = p.binding;
  if (!p.gpu_options.empty()) {
    Tree options = Tree::array();
    for (const GpuAlternative& a : p.gpu_options) options.push_back(gpu_alternative_to_json(a));
    j["gpu_options"] = options;
  }
  if (p.explanation) j["explain"] = explanation_to_json(*p.explanation);
  j["law"] = {{"name", p.law_name}, {"source", p.law_source}};
  j["warnings"] = p.warnings;
  return j;
}

std::string describe_layout(const Layout& l) {
  std::string s = "TP" + std::to_string(l.tensor_parallel) + " PP" +
                  std::to_string(l.pipeline_parallel);
  if (l.virtual_stages > 1) s += "x" + std::to_string(l.virtual_stages) + " (interleaved)";
  if (l.context_parallel > 1) s += " CP" + std::to_string(l.context_parallel);
  if (l.expert_parallel > 1)
    s += " EP" + std::to_string(l.expert_parallel) +
         (l.overlap_expert_parallel ? " (all-to-all overlapped)" : "");
  return s + " DP" + std::to_string(l.data_parallel) + ", micro-batch " +
         std::to_string(l.micro_batch_size) + ", recompute " + to_string(l.recompute) +
         ", ZeRO " + std::to_string(l.zero_stage) +
         (l.sequence_parallel ? ", sequence parallel" : "");
}

std::string describe_data(const Evaluation& e) {
  const DataTerms& d = e.data;
  if (!d.applies || (d.epochs <= 1 && e.excess_params_loss <= 0)) return "";
  return ", " + fmt(d.epochs < 1e4 ? "%.2f" : "%.3g", d.epochs) + " epochs over " +
         human_count(d.unique_tokens) +
         " unique: effective data D' " + human_count(d.effective_tokens) + " (costs " +
         fmt("%.4f", e.repetition_loss) + " nats), effective params N' " +
         human_count(d.effective_params) + " (costs " + fmt("%.4f", e.excess_params_loss) +
         " nats)";
}

std::string describe_memory(const Evaluation& e) {
  const MemoryUse& m = e.memory;
  const auto g = [](double bytes) { return fmt("%.1f", bytes / kGib); };
  return g(m.total()) + " GiB per GPU of " + g(e.memory_limit) + " usable (weights " +
         g(m.weights) + ", gradients " + g(m.gradients) + ", optimizer " + g(m.optimizer) +
         ", activations " + g(m.activations) + ", buffers " + g(m.buffers) + ")";
}

std::string describe_step(const Evaluation& e) {
  return fmt("%.3g", e.step.seconds) + " s, MFU " + fmt("%.1f%%", 100 * e.mfu) + ", bubble " +
         fmt("%.1f%%", 100 * e.step.bubble_fraction()) + ", exposed communication " +
         fmt("%.1f%%", 100 * e.step.exposed_communication_fraction());
}

void print_plan_table(const Plan& p, std::ostream& out, int width) {
  const TrainingRun& r = p.run;
  const Evaluation& e = p.evaluation;
  const auto row = [&](const std::string& label, const std::string& value) {
    out << "  " << std::left << std::setw(15) << label
        << wrap(value, 17, static_cast<std::size_t>(width)) << "\n";
  };
  out << "Recommended training run (law " << p.law_name << ")\n\n";
  row("model", human_count(r.params) + " params: n_layer " + std::to_string(r.shape.n_layer) +
                   ", d_model " + std::to_string(r.shape.d_model) + ", n_head " +
                   std::to_string(r.shape.n_head));
  row("data", human_count(r.tokens) + " tokens (" + fmt("%.1f", r.tokens / r.params) +
                  " tokens/param)" + describe_data(e));
  if (e.pools) {
    std::string kept, dropped;
    for (std::size_t i = 0; i < p.sources.size(); ++i) {
      std::string& to = e.pools->kept[i] ? kept : dropped;
      to += (to.empty() ? "" : ", ") + printable(p.sources[i].name);  // names are input: escaped
      if (e.pools->kept[i]) to += " " + human_count(e.pools->tokens[i]);
    }
    row("data mix", kept + " tokens (" + fmt("%.2f", e.pools->epochs) + " epochs of each kept pool" +
                        (dropped.empty() ? ")" : "; filtered out: " + dropped + ")") +
                        "; Goyal et al. 2024");
  }
  row("hardware", std::to_string(r.gpus) + " x " + r.gpu.name + ", " + to_string(r.precision) +
                      ", " + to_string(r.pricing) +
                      (std::isfinite(r.usd_per_gpu_hour)
                           ? " at " + fmt("$%.2f", r.usd_per_gpu_hour) + "/GPU-hour"
                           : ""));
  row("layout", describe_layout(r.layout));
  row("step", describe_step(e));
  const Schedule& s = e.recipe.schedule;
  row("batch", human_count(static_cast<double>(e.batch_tokens)) + " tokens (" +
                   std::to_string(r.batch_sequences) + " sequences), peak LR " +
                   fmt("%.2g", e.recipe.learning_rate) + " (hyperparameter law " +
                   to_string(r.hyperparameter_law) +
                   (r.critical_batch != kDefaultCriticalBatchLaw
                        ? ", critical batch " + to_string(r.critical_batch)
                        : std::string()) +
                   ")");
  row("schedule", to_string(s.kind) + ": " + std::to_string(s.warmup_steps) + " warmup, " +
                      std::to_string(s.decay_steps) + " decay to " +
                      fmt("%g%%", 100 * s.final_lr_fraction) + " of the peak, " +
                      std::to_string(s.total_steps) + " total steps; the law's loss assumes " +
                      kLawScheduleReference);
  out << "\n";
  std::string loss = fmt("%.4f", e.loss);
  if (p.loss_interval)
    loss += " (80% interval " + fmt("%.4f", p.loss_interval->low) + " to " +
            fmt("%.4f", p.loss_interval->high) + ")";
  row("predicted loss", loss);
  if (p.loss_by_precision.size() > 1) {  // what the precision choice is worth on this run
    std::string by;
    for (const Plan::PrecisionLoss& c : p.loss_by_precision)
      by += (by.empty() ? "" : ", ") + to_string(c.precision) + " " + fmt("%.4f", c.loss) +
            " (q " + fmt("%.3f", c.quality) + ")";
    row("by precision", by + ": this run's N, D and batch in each; q = N_eff / N (Kumar et al. "
                            "2024); a faster precision buys a larger run, which the plan weighed");
  }
  if (is_moe(r.shape) || p.alternative) {
    std::string arch = is_moe(r.shape)
                           ? "MoE, " + std::to_string(r.shape.moe.experts) + " experts, top-" +
                                 std::to_string(r.shape.moe.top_k) + ": " +
                                 human_count(e.active_params) + " active of " +
                                 human_count(e.total_params) + " params"
                           : std::string("dense");
    if (p.alternative) {
      const ArchitectureAlternative& a = *p.alternative;
      arch += "; the best " +
              (a.architecture == "moe" ? "MoE (" + std::to_string(a.experts) + " experts)"
                                       : std::string("dense run")) +
              " at this budget reaches loss " + fmt("%.4f", a.loss) + " (" +
              fmt("%+.4f", a.loss - e.loss) + " against this run; " + human_count(a.params) +
              " active params on " + human_count(a.tokens) + " tokens)";
    }
    row("architecture", arch);
  }
  std::string cost = human_usd(e.cost.usd) + " (" + human_count(e.cost.gpu_hours) + " GPU-hours)";
  if (p.explanation && std::isfinite(p.explanation->spent))
    cost += "; " + fmt("%.1f%%", 100 * p.explanation->spent / p.explanation->limit) + " of " +
            p.explanation->budget_field + " " +
            (p.explanation->budget_field == "budget.usd"
                 ? human_usd(p.explanation->limit)
             : p.explanation->budget_field == "budget.flops"
                 ? fmt("%.4g", p.explanation->limit)  // 1e+22, not human_count's 1e+10T
                 : human_count(p.explanation->limit));
  row("cost", cost);
  row("wall-clock", fmt("%.1f", e.cost.wall_hours) + " hours (" +
                        fmt("%.1f", e.cost.wall_hours / 24) + " days)");
  row("compute", fmt("%.3e", e.cost.flops) + " FLOPs (" + fmt("%.3e", e.cost.flops_per_token) +
                     " per token)");
  row("memory", describe_memory(e));
  if (e.spot) {
    row("spot", fmt("%.1f", e.spot->interruptions_expected) + " interruptions expected, " +
                    fmt("%.1f%%", 100 * e.spot->lost_work_fraction) +
                    " of the time lost, checkpoint every " +
                    fmt("%.0f", e.spot->checkpoint_interval_minutes) + " min, p90 wall-clock " +
                    fmt("%.1f", e.spot->wall_hours_p90) + " h");
    if (!p.pricing_reason.empty()) row("pricing", p.pricing_reason);
  }
  if (e.serving)
    row("serving", "TP" + std::to_string(e.serving->tensor_parallel) + " replicas, " +
                       fmt("%.1f", e.serving->latency_ms_per_token) + " ms/token at batch " +
                       std::to_string(e.serving->batch) + ", TTFT " +
                       fmt("%.0f", e.serving->ttft_ms) + " ms, " +
                       fmt("%.0f", e.serving->tokens_per_s_per_gpu) + " tokens/s/GPU, " +
                       fmt("$%.3f", e.serving->usd_per_million_tokens) + " per M tokens, " +
                       human_usd(e.serving->lifetime_usd) + " over the lifetime" +
                       (e.ptq_loss > 0 ? "; quantizing the weights for serving adds " +
                                             fmt("%.4f", e.ptq_loss) + " nats (served loss " +
                                             fmt("%.4f", e.served_loss) + ", Kumar et al. 2024)"
                                       : ""));
  if (p.roi) {
    row("objective", p.roi->objective + ": training " + human_usd(p.roi->training_usd) +
                         " + serving " + human_usd(p.roi->inference_usd));
    if (p.roi->loss_min_params) {
      row("profit", human_usd(p.roi->profit_usd) + " (a query is worth " +
                        fmt("$%.5f", p.roi->value_usd) + ")");
      row("trade-off", "the loss-minimizing run (" + human_count(*p.roi->loss_min_params) +
                           " params on " + human_count(*p.roi->loss_min_tokens) + " tokens, loss " +
                           fmt("%.4f", *p.roi->loss_min_loss) + ") would make " +
                           human_usd(*p.roi->loss_min_profit_usd) +
                           (p.run.tokens / p.run.params >
                                    *p.roi->loss_min_tokens / *p.roi->loss_min_params
                                ? ": a smaller model trained longer is cheaper to serve"
                                : ": a smaller, cheaper run earns more than the best loss"));
    }
  }
  std::string binding;
  for (const std::string& b : p.binding) binding += (binding.empty() ? "" : ", ") + b;
  row("binding", binding.empty() ? "none" : binding);
  for (const GpuAlternative& a : p.gpu_options) row("gpu choice", describe_gpu_alternative(a));
  if (p.explanation) {
    for (const std::string& why : p.explanation->reasons) row("why", why);
    for (const Marginal& m : p.explanation->marginals) {
      std::string what = m.constraint + " " + m.change + " (" + fmt("%.4g", m.relaxed_limit) + "): ";
      if (!m.feasible) what += "still no run";
      else
        what += "loss " + fmt("%.4f", m.loss) + " (" + fmt("%+.4f", -m.loss_gained) + "), " +
                human_count(m.params) + " params on " + human_count(m.tokens) + " tokens, " +
                std::to_string(m.gpus) + " GPUs" +
                (m.profit_gained_usd ? ", profit " + (*m.profit_gained_usd >= 0 ? std::string("+") : std::string("-")) +
                                           human_usd(std::abs(*m.profit_gained_usd))
                                     : "");
      row("relaxing", what);
    }
  }
  if (!p.warnings.empty()) {
    out << "\nwarnings:\n";
    for (const std::string& w : p.warnings)
      out << "  - " << wrap(w, 4, static_cast<std::size_t>(width)) << "\n";
  }
}

Tree gpus_to_json(const GpuTable& table) {
  Tree list = Tree::array();
  for (const Gpu& g : table.gpus) {
    Tree tflops = Tree::object();
    for (const auto& [precision, value] : g.tflops) tflops[to_string(precision)] = value;
    const auto price = [](const std::optional<double>& v) {
      return v ? Tree(*v) : Tree(nullptr);
    };
    list.push_back({{"name", g.name},
                    {"aliases", g.aliases},
                    {"vendor", g.vendor},
                    {"memory_gb", g.memory_gb},
                    {"mem_bw_tbps", g.mem_bw_tbps},
                    {"tflops", tflops},
                    {"memory_gib", g.memory_gib},
                    {"interconnect_gbps", g.interconnect_gbps},
                    {"nvlink_gbps", g.nvlink_gbps},
                    {"gpus_per_node", g.gpus_per_node},
                    {"scale_out_gbps", g.scale_out_gbps},
                    {"price_usd_per_gpu_hour",
                     {{"on_demand", price(g.price_on_demand_usd_per_gpu_hour)},
                      {"spot", price(g.price_spot_usd_per_gpu_hour)}}},
                    {"price_date", g.price_date.empty() ? Tree(nullptr) : Tree(g.price_date)},
                    {"source", g.source}});
  }
  return list;
}

void print_gpus_table(const GpuTable& table, std::ostream& out) {
  out << std::left << std::setw(14) << "gpu" << std::right << std::setw(7) << "mem_gb"
      << std::setw(7) << "TB/s";
  for (Precision p : all_precisions()) out << std::setw(8) << to_string(p);
  out << std::setw(10) << "$/h od" << std::setw(9) << "$/h spot" << std::setw(12) << "price as of"
      << std::setw(8) << "link" << std::setw(6) << "node" << std::setw(8) << "nic" << "\n";
  const auto opt = [](const std::optional<double>& v) { return v ? fmt("%.2f", *v) : "-"; };
  for (const Gpu& g : table.gpus) {
    out << std::left << std::setw(14) << g.name << std::right << std::setw(7)
        << fmt("%g", g.memory_gb) << std::setw(7) << fmt("%g", g.mem_bw_tbps);
    for (Precision p : all_precisions()) {
      const auto it = g.tflops.find(p);
      out << std::setw(8) << (it == g.tflops.end() ? "-" : fmt("%g", it->second));
    }
    out << std::setw(10) << opt(g.price_on_demand_usd_per_gpu_hour) << std::setw(9)
        << opt(g.price_spot_usd_per_gpu_hour) << std::setw(12)
        << (g.price_date.empty() ? (g.price_on_demand_usd_per_gpu_hour ? "undated" : "-")
                                 : g.price_date)
        << std::setw(8) << fmt("%g", g.nvlink_gbps) << std::setw(6) << g.gpus_per_node
        << std::setw(8) << fmt("%g", g.scale_out_gbps) << "\n";
  }
  out << "\nDense peak TFLOP/s; prices in USD per GPU-hour; link: scale-up GB/s per GPU per "
         "direction among `node` GPUs; nic: scale-out GB/s per GPU; price as of: when the price "
         "was read (docs/gpus.md). Source: "
      << table.source << "\n";
}

}  // namespace scaleplan
