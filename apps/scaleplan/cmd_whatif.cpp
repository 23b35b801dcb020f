// `scaleplan whatif BUDGET --usd x2 --deadline-hours +168 --gpu B200`: the budget's plan beside
// the plan of each change, one change per column.

#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "terminal.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "scaleplan/planner/gpu_choice.hpp"
#include "scaleplan/planner/plan.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan::cli {
namespace {

struct WhatifOptions {
  std::string budget_path;
  std::string usd, gpu_hours, flops, deadline_hours, gpus, unique_tokens, gpu;
};

/// A change to one number: xF (times F), +A or -A (plus or minus A), =V or V (set to V).
struct Change {
  char op = '=';
  double operand = 0;
  double apply(double x) const {
    return op == 'x' ? x * operand : op == '+' ? x + operand : op == '-' ? x - operand : operand;
  }
};

Change parse_change(const std::string& text, const std::string& option) {
  const auto bad = [&]() -> InputError {
    return InputError({}, option,
                      quote(text) + ": expected xF (times F), +A, -A or =V (a finite number)");
  };
  if (text.empty()) throw bad();
  Change c;
  std::string number = text;
  if (text[0] == 'x' || text[0] == '+' || text[0] == '-' || text[0] == '=') {
    c.op = text[0];
    number = text.substr(1);
  }
  char* end = nullptr;
  c.operand = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(c.operand) ||
      c.operand < 0 || (c.op == 'x' && c.operand == 0))
    throw bad();
  return c;
}

/// The changed value, which must stay a positive finite number.
double changed(const Change& c, double x, const std::string& option, const std::string& text) {
  const double v = c.apply(x);
  if (!std::isfinite(v) || v <= 0)
    throw InputError({}, option, quote(text) + " makes " + fmt("%g", x) + " into " + fmt("%g", v) +
                                     ": the result must be a positive finite number");
  return v;
}

struct Scenario {
  std::string label;  ///< "base", "--usd x2"
  Budget budget;
  std::vector<const Gpu*> gpus;  ///< the GPU types planned (the budget's list, or --gpu's one)
  std::optional<Plan> plan;
  std::string infeasible;  ///< why no run, when plan is empty
};

std::vector<Scenario> scenarios(const WhatifOptions& o, const PlanInputs& in) {
  const Budget& b = in.budget;
  std::vector<Scenario> out;
  out.push_back({"base", b, in.gpus, std::nullopt, ""});
  const std::vector<std::pair<std::string, BudgetKind>> amounts = {
      {"--usd", BudgetKind::kUsd}, {"--gpu-hours", BudgetKind::kGpuHours},
      {"--flops", BudgetKind::kFlops}};
  for (const auto& [option, kind] : amounts) {
    const std::string& text = kind == BudgetKind::kUsd        ? o.usd
                              : kind == BudgetKind::kGpuHours ? o.gpu_hours
                                                              : o.flops;
    if (text.empty()) continue;
    if (kind != b.kind)
      throw InputError({}, option,
                       "the budget is in " + std::string(budget_field(b.kind)) + ": change it with --" +
                           (b.kind == BudgetKind::kUsd        ? std::string("usd")
                            : b.kind == BudgetKind::kGpuHours ? std::string("gpu-hours")
                                                              : std::string("flops")));
    Scenario s{option + " " + text, b, in.gpus, std::nullopt, ""};
    s.budget.amount = changed(parse_change(text, option), b.amount, option, text);
    out.push_back(s);
  }
  // A change to an optional budget field: absent, only =V can set it.
  const auto change_optional = [&](const std::string& option, const std::string& text,
                                   std::optional<double> Budget::*field,
                                   const std::string& absent) {
    if (text.empty()) return;
    const Change c = parse_change(text, option);
    if (!(b.*field) && c.op != '=') throw InputError({}, option, absent);
    Scenario s{option + " " + text, b, in.gpus, std::nullopt, ""};
    s.budget.*field = changed(c, (b.*field).value_or(0), option, text);
    out.push_back(s);
  };
  change_optional("--deadline-hours", o.deadline_hours, &Budget::deadline_hours,
                  "the budget has no deadline to change: set one with =HOURS");
  if (!o.gpus.empty()) {
    const Change c = parse_change(o.gpus, "--gpus");
    Scenario s{"--gpus " + o.gpus, b, in.gpus, std::nullopt, ""};
    std::optional<int>& count = b.count ? s.budget.count : s.budget.max_count;
    const double v = changed(c, *count, "--gpus", o.gpus);
    if (v != std::floor(v) || v > 1e9)
      throw InputError({}, "--gpus",
                       quote(o.gpus) + " makes " + std::to_string(*count) + " GPUs into " +
                           fmt("%.10g", v) + ": a GPU count must be a whole number up to 1e9");
    count = static_cast<int>(v);
    out.push_back(s);
  }
  change_optional("--unique-tokens", o.unique_tokens, &Budget::unique_tokens,
                  "the budget has no data.unique_tokens to change: set one with =TOKENS");
  if (!o.gpu.empty()) {
    // Another GPU pays its own table prices: the budget's override was for its own GPU.
    const Gpu& gpu = resolve_gpu(in.table, o.gpu, {}, "--gpu");
    Scenario s{"--gpu " + o.gpu, budget_for_gpu(b, gpu), {&gpu}, std::nullopt, ""};
    s.budget.price_on_demand_usd_per_gpu_hour.reset();
    s.budget.price_spot_usd_per_gpu_hour.reset();
    out.push_back(s);
  }
  return out;
}

void plan_each(const Law& law, std::vector<Scenario>* all) {
  for (Scenario& s : *all) {
    try {
      s.plan = make_plan_over_gpus(s.budget, s.gpus, law);
    } catch (const InfeasibleError& e) {
      s.infeasible = e.what();
    } catch (const InputError& e) {
      if (s.label == "base") throw;
      // A change the budget cannot take (another GPU without a price the budget needs): named
      // by the option, with the budget's field and the reason, not the budget file's position
      // (one line, FIELD: what is wrong, as every error).
      const std::string option = s.label.substr(0, s.label.find(' '));
      const std::string where = InputError::format(e.pos(), e.field(), "");
      std::string why = e.what();
      if (why.rfind(where, 0) == 0) why = why.substr(where.size());
      if (e.field() == "hardware.price_usd_per_gpu_hour") {
        if (why.ends_with("; give one")) why.resize(why.size() - 10);
        why += ", which " + std::string(budget_field(s.budget.kind)) +
               " needs (a GPU table with its price: scaleplan --gpus FILE whatif ...)";
      }
      else if (!e.field().empty())
        why = e.field() + ": " + why;
      throw InputError({}, option, why);
    }
  }
}

std::string joined(const std::vector<std::string>& names, const std::string& separator) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : separator) + n;
  return out;
}

/// The GPU the scenario's plan chose; without a run, the types it tried ("H100-SXM|B200").
std::string gpu_of(const Scenario& s) {
  if (s.plan) return s.plan->run.gpu.name;
  std::vector<std::string> names;
  for (const Gpu* gpu : s.gpus) names.push_back(gpu->name);
  return joined(names, "|");
}

void print_table(const std::vector<Scenario>& all, std::ostream& out) {
  using Cell = std::function<std::string(const Scenario&)>;
  const auto value = [](auto f) -> Cell {
    return [f](const Scenario& s) -> std::string { return s.plan ? f(*s.plan) : "no run"; };
  };
  const std::vector<std::pair<std::string, Cell>> rows = {
      {"", [](const Scenario& s) { return s.label; }},
      {"gpu", [](const Scenario& s) { return gpu_of(s); }},
      {"params", value([](const Plan& p) { return human_count(p.run.params); })},
      {"tokens", value([](const Plan& p) { return human_count(p.run.tokens); })},
      {"loss", value([](const Plan& p) { return fmt("%.4f", p.evaluation.loss); })},
      {"cost", value([](const Plan& p) {
         return std::isfinite(p.evaluation.cost.usd)
                    ? human_usd(p.evaluation.cost.usd)
                    : human_count(p.evaluation.cost.gpu_hours) + " GPU-h";
       })},
      {"days", value([](const Plan& p) { return fmt("%.1f", p.evaluation.cost.wall_hours / 24); })},
      {"gpus", value([](const Plan& p) { return std::to_string(p.run.gpus); })},
      {"precision", value([](const Plan& p) { return to_string(p.run.precision); })},
      {"binding", value([](const Plan& p) {
         return p.binding.empty() ? std::string("none") : joined(p.binding, ", ");
       })}};
  // Each column as wide as its widest cell.
  std::vector<std::size_t> widths(all.size(), 0);
  for (const auto& [label, cell] : rows)
    for (std::size_t i = 0; i < all.size(); ++i)
      widths[i] = std::max(widths[i], cell(all[i]).size() + 2);
  for (const auto& [label, cell] : rows) {
    std::string line = label + std::string(11 - label.size(), ' ');
    for (std::size_t i = 0; i < all.size(); ++i) {
      const std::string text = cell(all[i]);
      line += text + std::string(widths[i] - text.size(), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  for (const Scenario& s : all)
    if (!s.plan) out << "\n" << s.label << ": " << s.infeasible << "\n";
}

int run_whatif(const WhatifOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, true);
  const PlanInputs in = load_plan_inputs(o.budget_path, "", g);
  std::vector<Scenario> all = scenarios(o, in);
  if (all.size() == 1)
    throw InputError({}, "whatif",
                     "give at least one change: --usd, --gpu-hours, --flops, --deadline-hours, "
                     "--gpus, --unique-tokens or --gpu");
  plan_each(in.law, &all);
  bool any = false;
  for (const Scenario& s : all) any = any || s.plan.has_value();
  if (!any) throw InfeasibleError("no scenario has a run; base: " + all.front().infeasible);

  Tree list = Tree::array();
  for (const Scenario& s : all) {
    Tree t = {{"scenario", s.label}};
    if (s.plan) t["plan"] = plan_to_json(*s.plan);
    else t["infeasible"] = s.infeasible;
    list.push_back(t);
  }
  require_finite(list);
  if (format == OutputFormat::kTable) {
    print_table(all, out);
  } else if (format == OutputFormat::kCsv) {
    out << "scenario,gpu,params,tokens,loss,usd,gpu_hours,wall_hours,gpus,precision,binding\n";
    out << std::setprecision(10);
    for (const Scenario& s : all) {
      out << csv_field(s.label) << "," << csv_field(gpu_of(s)) << ",";
      if (!s.plan) {
        out << ",,,,,,,,infeasible\n";
        continue;
      }
      const Plan& p = *s.plan;
      out << p.run.params << "," << p.run.tokens << "," << p.evaluation.loss << ",";
      if (std::isfinite(p.evaluation.cost.usd)) out << p.evaluation.cost.usd;
      out << "," << p.evaluation.cost.gpu_hours << "," << p.evaluation.cost.wall_hours << ","
          << p.run.gpus << "," << to_string(p.run.precision) << "," << csv_field(joined(p.binding, ";"))
          << "\n";
    }
  } else {
    print_tree(list, format, out);
  }
  return 0;
}

}  // namespace

void add_whatif_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<WhatifOptions>();
  CLI::App* sub = app.add_subcommand(
      "whatif", "The budget's plan beside the plan of each change (one change per column)");
  sub->add_option("budget", o->budget_path,
                  "Budget YAML file (- for stdin, example:NAME for a built-in example)")
      ->required();
  const std::string form = ": xF (times F), +A, -A or =V";
  sub->add_option("--usd", o->usd, "Change budget.usd" + form);
  sub->add_option("--gpu-hours", o->gpu_hours, "Change budget.gpu_hours" + form);
  sub->add_option("--flops", o->flops, "Change budget.flops" + form);
  sub->add_option("--deadline-hours", o->deadline_hours, "Change budget.deadline_hours" + form);
  sub->add_option("--gpus", o->gpus, "Change hardware.count or max_count" + form);
  sub->add_option("--unique-tokens", o->unique_tokens, "Change data.unique_tokens" + form);
  sub->add_option("--gpu", o->gpu, "Another GPU type (at its table prices)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_whatif(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
