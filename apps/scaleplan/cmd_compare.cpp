// `scaleplan compare BUDGET`: the best run on each GPU type, side by side (issue 13).

#include <spdlog/spdlog.h>

#include <cmath>
#include <iomanip>
#include <memory>

#include "commands.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "scaleplan/planner/gpu_choice.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan::cli {

namespace {

struct CompareOptions {
  std::string budget_path;
  std::vector<std::string> gpus;  ///< --gpu: replaces hardware.gpu
  bool all = false;               ///< --all: every GPU of the table
  std::string law;                ///< --law: overrides model.law
};

/// The GPU types to compare: --all, else --gpu, else the budget's hardware.gpu.
std::vector<const Gpu*> gpus_to_compare(const CompareOptions& o, const PlanInputs& in) {
  if (o.all && !o.gpus.empty()) throw InputError({}, "--all", "give --all or --gpu, not both");
  std::vector<const Gpu*> out;
  if (o.all) {
    for (const Gpu& gpu : in.table.gpus) out.push_back(&gpu);
    return out;
  }
  if (o.gpus.empty()) return in.gpus;
  for (const std::string& name : o.gpus) {
    const Gpu* gpu = &resolve_gpu(in.table, name, {}, "--gpu");
    for (const Gpu* earlier : out)
      if (earlier == gpu)
        throw InputError({}, "--gpu", quote(name) + " names " + gpu->name + ", given already");
    out.push_back(gpu);
  }
  return out;
}

std::string cost_cell(const GpuAlternative& a) {
  return std::isfinite(a.usd) ? human_usd(a.usd) : human_count(a.gpu_hours) + " GPU-h";
}

void print_table(const std::vector<GpuAlternative>& rows, const Budget& budget,
                 const std::string& law, std::ostream& out) {
  const bool profit = budget.objective == Objective::kMaximizeProfit;
  std::vector<std::string> header = {"gpu",  "loss",      "params",  "tokens", "gpus",
                                     "precision", "pricing", "cost",   "days",   "MFU"};
  if (profit) header.push_back("profit");
  header.push_back("");
  std::vector<std::vector<std::string>> cells;
  for (const GpuAlternative& a : rows) {
    if (!a.has_run) {
      std::vector<std::string> line(header.size(), "-");
      line.front() = a.gpu;
      line.back() = "no run (below)";
      cells.push_back(line);
      continue;
    }
    std::vector<std::string> line = {a.gpu,
                                     fmt("%.4f", a.loss),
                                     human_count(a.params),
                                     human_count(a.tokens),
                                     std::to_string(a.gpus),
                                     a.precision,
                                     a.pricing,
                                     cost_cell(a),
                                     fmt("%.1f", a.wall_hours / 24),
                                     fmt("%.1f%%", 100 * a.mfu)};
    if (profit) line.push_back(a.profit_usd ? human_usd(*a.profit_usd) : "-");
    line.push_back(a.chosen ? "best" : "");
    cells.push_back(line);
  }
  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    widths[c] = header[c].size();
    for (const auto& line : cells) widths[c] = std::max(widths[c], line[c].size());
  }
  out << "Best run per GPU type (objective " << to_string(budget.objective) << ", law " << law
      << ")\n\n";
  const auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c)
      text += line[c] + std::string(widths[c] - line[c].size() + 2, ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  print_line(header);
  for (const auto& line : cells) print_line(line);
  for (const GpuAlternative& a : rows)
    if (!a.has_run) out << "\n" << a.gpu << ": " << a.unavailable << "\n";
}

void print_csv(const std::vector<GpuAlternative>& rows, std::ostream& out) {
  out << "gpu,has_run,loss,params,tokens,gpus,precision,pricing,usd,gpu_hours,wall_hours,mfu,"
         "profit_usd,chosen,unavailable\n";
  out << std::setprecision(10);
  for (const GpuAlternative& a : rows) {
    out << csv_field(a.gpu) << "," << (a.has_run ? "true" : "false") << ",";
    if (a.has_run) {
      out << a.loss << "," << a.params << "," << a.tokens << "," << a.gpus << "," << a.precision
          << "," << a.pricing << ",";
      if (std::isfinite(a.usd)) out << a.usd;
      out << "," << a.gpu_hours << "," << a.wall_hours << "," << a.mfu << ",";
      if (a.profit_usd) out << *a.profit_usd;
    } else {
      out << ",,,,,,,,,,";
    }
    out << "," << (a.chosen ? "true" : "false") << "," << csv_field(a.unavailable) << "\n";
  }
}

int run_compare(const CompareOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, true);
  const PlanInputs in = load_plan_inputs(o.budget_path, o.law, g);
  const std::vector<const Gpu*> gpus = gpus_to_compare(o, in);
  // A budget's price or MFU override belongs to its own GPU: compared against others, each GPU
  // pays its table price (as `whatif --gpu` does).
  Budget budget = in.budget;
  if (gpus.size() > 1 || gpus.front() != in.gpu) {
    budget.price_on_demand_usd_per_gpu_hour.reset();
    budget.price_spot_usd_per_gpu_hour.reset();
    budget.mfu.reset();
  }
  if (const auto caveat = gpu_comparison_caveat(budget, gpus.size())) spdlog::warn("{}", *caveat);
  std::vector<GpuOption> options = plan_each_gpu(budget, gpus, in.law);
  const std::optional<std::size_t> best = best_gpu_option(options, budget);
  if (!best) throw_no_gpu_option(options, in.law, "compared");
  // The best run's warnings, as `plan` gives them (a law used outside its fitted range).
  for (const std::string& w : options[*best].plan->warnings)
    spdlog::warn("{}: {}", options[*best].gpu->name, printable(w, 1000));
  std::vector<GpuAlternative> rows;
  for (std::size_t i = 0; i < options.size(); ++i) {
    rows.push_back(summarize_gpu_option(options[i]));
    rows.back().chosen = i == *best;
  }
  Tree list = Tree::array();
  for (const GpuAlternative& a : rows) list.push_back(gpu_alternative_to_json(a));
  const Tree tree = {{"objective", to_string(budget.objective)},
                     {"law", in.law.name},
                     {"best", rows[*best].gpu},
                     {"gpus", list}};
  require_finite(tree);
  if (format == OutputFormat::kTable) print_table(rows, budget, in.law.name, out);
  else if (format == OutputFormat::kCsv) print_csv(rows, out);
  else print_tree(tree, format, out);
  return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* sub = app.add_subcommand(
      "compare", "Plan a budget on each GPU type and show the best run per type side by side");
  sub->add_option("budget", o->budget_path,
                  "Budget YAML file (- for stdin, example:NAME for a built-in example)")
      ->required();
  sub->add_option("--gpu", o->gpus,
                  "A GPU type to compare (repeat it); replaces the budget's hardware.gpu");
  sub->add_flag("--all", o->all, "Compare every GPU of the table");
  sub->add_option("--law", o->law, "Law preset or law YAML file, overriding model.law");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_compare(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
