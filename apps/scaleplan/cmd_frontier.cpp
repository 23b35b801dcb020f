// `scaleplan frontier BUDGET.yaml --usd 1e4:1e8 --points 25 [--plot FILE]`: the best run at
// each budget.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <memory>

#include "commands.hpp"
#include "plot.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "scaleplan/planner/frontier.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan::cli {
namespace {

struct FrontierOptions {
  std::string budget_path;
  std::string usd, gpu_hours, flops;  ///< "LO:HI"
  int points = 25;
  std::string plot;
};

std::pair<double, double> parse_range(const std::string& text, const std::string& option) {
  const auto colon = text.find(':');
  char* end = nullptr;
  const auto number = [&](const std::string& s) {
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0)
      throw InputError({}, option, quote(text) + ": expected LO:HI, two positive numbers");
    return v;
  };
  if (colon == std::string::npos)
    throw InputError({}, option, quote(text) + ": expected LO:HI, two positive numbers");
  const double lo = number(text.substr(0, colon)), hi = number(text.substr(colon + 1));
  if (hi <= lo) throw InputError({}, option, quote(text) + ": HI must be above LO");
  return {lo, hi};
}

int run_frontier(const FrontierOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, true);
  const int given = !o.usd.empty() + !o.gpu_hours.empty() + !o.flops.empty();
  if (given != 1)
    throw InputError({}, "--usd", "give exactly one of --usd, --gpu-hours or --flops (LO:HI)");
  const BudgetKind kind = !o.usd.empty()         ? BudgetKind::kUsd
                          : !o.gpu_hours.empty() ? BudgetKind::kGpuHours
                                                 : BudgetKind::kFlops;
  const std::string option = kind == BudgetKind::kUsd        ? "--usd"
                             : kind == BudgetKind::kGpuHours ? "--gpu-hours"
                                                             : "--flops";
  const auto [lo, hi] = parse_range(kind == BudgetKind::kUsd        ? o.usd
                                    : kind == BudgetKind::kGpuHours ? o.gpu_hours
                                                                    : o.flops,
                                    option);
  const PlanInputs in = load_plan_inputs(o.budget_path, "", g);
  const std::vector<FrontierRow> rows = frontier(in.budget, kind, lo, hi, o.points, in.gpus, in.law);
  const std::string unit(budget_field(kind).substr(7));  // "usd", "gpu_hours", "flops"
  const bool several = in.gpus.size() > 1;               // each row names the GPU type it chose
  std::size_t gpu_width = 4;
  for (const Gpu* gpu : in.gpus) gpu_width = std::max(gpu_width, gpu->name.size() + 2);

  Tree list = Tree::array();
  for (const FrontierRow& r : rows) {
    Tree row = {{unit, r.amount}};
    if (r.plan) {
      const Plan& p = *r.plan;
      if (several) row["gpu"] = p.run.gpu.name;
      row["params"] = p.run.params;
      row["tokens"] = p.run.tokens;
      row["loss"] = p.evaluation.loss;
      if (p.loss_interval) {
        row["loss_low"] = p.loss_interval->low;
        row["loss_high"] = p.loss_interval->high;
      }
      row["precision"] = to_string(p.run.precision);
      row["gpus"] = p.run.gpus;
      row["wall_hours"] = p.evaluation.cost.wall_hours;
      row["binding"] = p.binding;
    } else {
      row["infeasible"] = true;
    }
    list.push_back(row);
  }
  require_finite(list);

  if (!o.plot.empty()) {
    std::string gpus;
    for (const Gpu* gpu : in.gpus) gpus += (gpus.empty() ? "" : " or ") + gpu->name;
    PlotSpec spec{"Best predicted loss against budget (" + gpus + ", law " + in.law.name + ")",
                  unit == "usd" ? "budget (USD)" : "budget (" + unit + ")",
                  "predicted loss (nats/token)", true, {}, {}};
    Series s{"best run (labels: params)", {}, {}, {}, false};
    std::string previous;  // a label only where the size changes: on a plateau they overlap
    for (const FrontierRow& r : rows) {
      if (!r.plan) continue;
      s.x.push_back(r.amount);
      s.y.push_back(r.plan->evaluation.loss);
      const std::string label = human_count(r.plan->run.params);
      s.labels.push_back(label == previous ? "" : label);
      previous = label;
    }
    spec.series.push_back(s);
    write_plot(spec, o.plot);
  }

  if (format == OutputFormat::kCsv) {
    out << unit << (several ? ",gpu" : "")
        << ",params,tokens,loss,loss_low,loss_high,precision,gpus,wall_hours,binding\n";
    out << std::setprecision(10);
    for (const FrontierRow& r : rows) {
      out << r.amount << ",";
      if (!r.plan) {
        out << (several ? "," : "") << ",,,,,,,,infeasible\n";
        continue;
      }
      const Plan& p = *r.plan;
      if (several) out << csv_field(p.run.gpu.name) << ",";
      out << p.run.params << "," << p.run.tokens << "," << p.evaluation.loss << ",";
      if (p.loss_interval) out << p.loss_interval->low << "," << p.loss_interval->high;
      else out << ",";
      std::string binding;
      for (const std::string& b : p.binding) binding += (binding.empty() ? "" : ";") + b;
      out << "," << to_string(p.run.precision) << "," << p.run.gpus << ","
          << p.evaluation.cost.wall_hours << ","
          << binding << "\n";
    }
  } else if (format == OutputFormat::kTable) {
    out << std::left << std::setw(12) << unit;
    if (several) out << std::setw(static_cast<int>(gpu_width)) << "gpu";
    out << std::setw(10) << "params" << std::setw(10) << "tokens" << std::setw(9) << "loss"
        << std::setw(11) << "precision" << std::setw(7) << "gpus"
        << "wall_hours\n";
    for (const FrontierRow& r : rows) {
      out << std::left << std::setw(12) << human_count(r.amount);
      if (!r.plan) {
        out << "no run meets this budget\n";
        continue;
      }
      const Plan& p = *r.plan;
      if (several) out << std::setw(static_cast<int>(gpu_width)) << p.run.gpu.name;
      out << std::setw(10) << human_count(p.run.params) << std::setw(10)
          << human_count(p.run.tokens) << std::setw(9) << fmt("%.4f", p.evaluation.loss)
          << std::setw(11) << to_string(p.run.precision) << std::setw(7) << p.run.gpus
          << fmt("%.1f", p.evaluation.cost.wall_hours) << "\n";
    }
  } else {
    print_tree(list, format, out);
  }
  return 0;
}

}  // namespace

void add_frontier_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<FrontierOptions>();
  CLI::App* sub = app.add_subcommand("frontier", "The best run at each budget over a range");
  sub->add_option("budget", o->budget_path,
                  "Budget YAML file (- for stdin, example:NAME built in); its amount is replaced")
      ->required();
  sub->add_option("--usd", o->usd, "Dollar range LO:HI, e.g. 1e4:1e8");
  sub->add_option("--gpu-hours", o->gpu_hours, "GPU-hour range LO:HI");
  sub->add_option("--flops", o->flops, "FLOP range LO:HI");
  sub->add_option("--points", o->points, "Budgets, log-spaced")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--plot", o->plot, "Draw loss against budget to FILE.svg or FILE.png (gnuplot)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_frontier(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
