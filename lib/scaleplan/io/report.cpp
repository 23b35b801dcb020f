#include "scaleplan/io/report.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <iomanip>

namespace scaleplan {
namespace {

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

Tree plan_to_json(const Plan& p) {
  // The planner marks a price it does not know (a budget in GPU-hours or FLOPs on a GPU without
  // one) as NaN; every other figure must be a number.
  const bool priced = !std::isnan(p.usd_per_gpu_hour);
  Tree j;
  j["recommendation"] = {
      {"params", p.params},
      {"tokens", p.tokens},
      {"tokens_per_param", p.tokens / p.params},
      {"precision", to_string(p.precision)},
      {"gpu", p.gpu},
      {"gpus", p.gpus},
      {"pricing", to_string(p.pricing)},
      {"usd_per_gpu_hour", number_or_null(p.usd_per_gpu_hour, priced)},
      {"mfu", p.mfu},
      {"shape",
       {{"n_layer", p.shape.n_layer},
        {"d_model", p.shape.d_model},
        {"n_head", p.shape.n_head},
        {"params", p.shape.params}}},
      {"batch_tokens", p.recipe.batch_tokens},
      {"learning_rate", p.recipe.learning_rate},
      {"schedule",
       {{"kind", to_string(p.recipe.schedule.kind)},
        {"warmup_steps", p.recipe.schedule.warmup_steps},
        {"decay_steps", p.recipe.schedule.decay_steps},
        {"total_steps", p.recipe.schedule.total_steps}}}};
  j["predicted"] = {{"loss", p.loss}, {"loss_at_shape", p.loss_at_shape}};
  if (p.loss_interval) {
    j["predicted"]["loss_low"] = p.loss_interval->low;
    j["predicted"]["loss_high"] = p.loss_interval->high;
  }
  j["compute"] = {{"flops", p.cost.flops}, {"flops_per_token", p.cost.flops_per_token}};
  j["cost"] = {{"usd", number_or_null(p.cost.usd, priced)}, {"gpu_hours", p.cost.gpu_hours}};
  j["time"] = {{"wall_hours", p.cost.wall_hours}};
  if (p.spot)
    j["spot"] = {{"interruptions_expected", p.spot->interruptions_expected},
                 {"checkpoint_interval_minutes",
                  number_or_null(p.spot->checkpoint_interval_minutes,
                                 !std::isinf(p.spot->checkpoint_interval_minutes))},
                 {"lost_work_fraction", p.spot->lost_work_fraction},
                 {"wall_hours_p90", p.spot->wall_hours_p90},
                 {"break_even_interruptions_per_hour",
                  number_or_null(p.spot->break_even_interruptions_per_hour,
                                 !std::isnan(p.spot->break_even_interruptions_per_hour))},
                 {"reason", p.pricing_reason}};
  j["memory"] = {{"gb_per_gpu", p.memory_gb_per_gpu}};
  if (p.inference)
    j["inference"] = {{"latency_ms_per_token", p.inference->latency_ms_per_token},
                      {"ttft_ms", p.inference->ttft_ms},
                      {"batch", p.inference->batch},
                      {"tokens_per_s_per_gpu", p.inference->tokens_per_s_per_gpu},
                      {"usd_per_million_tokens", p.inference->usd_per_million_tokens},
                      {"usd_per_query", p.inference->usd_per_query},
                      {"lifetime_usd", p.inference->lifetime_usd}};
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
  j["law"] = {{"name", p.law_name}, {"source", p.law_source}};
  j["warnings"] = p.warnings;
  return j;
}

void print_plan_table(const Plan& p, std::ostream& out) {
  const auto row = [&](const std::string& label, const std::string& value) {
    out << "  " << std::left << std::setw(15) << label << value << "\n";
  };
  out << "Recommended training run (law " << p.law_name << ")\n\n";
  row("model", human_count(p.params) + " params; shape n_layer " +
                   std::to_string(p.shape.n_layer) + ", d_model " +
                   std::to_string(p.shape.d_model) + ", n_head " + std::to_string(p.shape.n_head) +
                   " = " + human_count(p.shape.params));
  row("data", human_count(p.tokens) + " tokens (" + fmt("%.1f", p.tokens / p.params) +
                  " tokens/param)");
  row("hardware", std::to_string(p.gpus) + " x " + p.gpu + ", " + to_string(p.precision) +
                      ", " + to_string(p.pricing) +
                      (std::isfinite(p.usd_per_gpu_hour)
                           ? " at " + fmt("$%.2f", p.usd_per_gpu_hour) + "/GPU-hour"
                           : "") +
                      ", MFU " + fmt("%.1f%%", 100 * p.mfu));
  const Schedule& s = p.recipe.schedule;
  row("batch", human_count(static_cast<double>(p.recipe.batch_tokens)) + " tokens, peak LR " +
                   fmt("%.2g", p.recipe.learning_rate));
  row("schedule", to_string(s.kind) + ": " + std::to_string(s.warmup_steps) + " warmup, " +
                      std::to_string(s.decay_steps) + " decay, " + std::to_string(s.total_steps) +
                      " total steps");
  out << "\n";
  std::string loss = fmt("%.4f", p.loss);
  if (p.loss_interval)
    loss += " (80% interval " + fmt("%.4f", p.loss_interval->low) + " to " +
            fmt("%.4f", p.loss_interval->high) + ")";
  row("predicted loss", loss + "; " + fmt("%.4f", p.loss_at_shape) + " at the rounded shape");
  row("cost", human_usd(p.cost.usd) + " (" + human_count(p.cost.gpu_hours) + " GPU-hours)");
  row("wall-clock", fmt("%.1f", p.cost.wall_hours) + " hours (" +
                        fmt("%.1f", p.cost.wall_hours / 24) + " days)");
  row("compute", fmt("%.3e", p.cost.flops) + " FLOPs (" + fmt("%.3e", p.cost.flops_per_token) +
                     " per token)");
  row("memory", fmt("%.1f", p.memory_gb_per_gpu) + " GB per GPU");
  if (p.spot) {
    row("spot", fmt("%.1f", p.spot->interruptions_expected) + " interruptions expected, " +
                    fmt("%.1f%%", 100 * p.spot->lost_work_fraction) +
                    " of the time lost, checkpoint every " +
                    fmt("%.0f", p.spot->checkpoint_interval_minutes) + " min, p90 wall-clock " +
                    fmt("%.1f", p.spot->wall_hours_p90) + " h");
    if (!p.pricing_reason.empty()) row("pricing", p.pricing_reason);
  }
  if (p.inference)
    row("serving", fmt("%.1f", p.inference->latency_ms_per_token) + " ms/token at batch " +
                       std::to_string(p.inference->batch) + ", TTFT " +
                       fmt("%.0f", p.inference->ttft_ms) + " ms, " +
                       fmt("%.0f", p.inference->tokens_per_s_per_gpu) + " tokens/s/GPU, " +
                       fmt("$%.3f", p.inference->usd_per_million_tokens) + " per M tokens, " +
                       human_usd(p.inference->lifetime_usd) + " over the lifetime");
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
                           ": a smaller model trained longer is cheaper to serve");
    }
  }
  std::string binding;
  for (const std::string& b : p.binding) binding += (binding.empty() ? "" : ", ") + b;
  row("binding", binding.empty() ? "none" : binding);
  if (!p.warnings.empty()) {
    out << "\nwarnings:\n";
    for (const std::string& w : p.warnings) out << "  - " << w << "\n";
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
                    {"interconnect_gbps", g.interconnect_gbps},
                    {"price_usd_per_gpu_hour",
                     {{"on_demand", price(g.price_on_demand_usd_per_gpu_hour)},
                      {"spot", price(g.price_spot_usd_per_gpu_hour)}}},
                    {"mfu", g.mfu},
                    {"source", g.source}});
  }
  return list;
}

void print_gpus_table(const GpuTable& table, std::ostream& out) {
  out << std::left << std::setw(14) << "gpu" << std::right << std::setw(7) << "mem_gb"
      << std::setw(7) << "TB/s";
  for (Precision p : all_precisions()) out << std::setw(8) << to_string(p);
  out << std::setw(10) << "$/h od" << std::setw(9) << "$/h spot" << std::setw(6) << "mfu"
      << "\n";
  const auto opt = [](const std::optional<double>& v) { return v ? fmt("%.2f", *v) : "-"; };
  for (const Gpu& g : table.gpus) {
    out << std::left << std::setw(14) << g.name << std::right << std::setw(7)
        << fmt("%g", g.memory_gb) << std::setw(7) << fmt("%g", g.mem_bw_tbps);
    for (Precision p : all_precisions()) {
      const auto it = g.tflops.find(p);
      out << std::setw(8) << (it == g.tflops.end() ? "-" : fmt("%g", it->second));
    }
    out << std::setw(10) << opt(g.price_on_demand_usd_per_gpu_hour) << std::setw(9)
        << opt(g.price_spot_usd_per_gpu_hour) << std::setw(6) << fmt("%.2f", g.mfu) << "\n";
  }
  out << "\nDense peak TFLOP/s; prices in USD per GPU-hour. Source: " << table.source << "\n";
}

}  // namespace scaleplan
