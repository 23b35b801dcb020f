#include "scaleplan/planner/gpu_choice.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

Budget budget_for_gpu(const Budget& budget, const Gpu& gpu) {
  Budget b = budget;
  b.gpu = gpu.name;
  b.gpu_choices = {gpu.name};
  return b;
}

std::vector<GpuOption> plan_each_gpu(const Budget& budget, const std::vector<const Gpu*>& gpus,
                                     const Law& law) {
  std::vector<GpuOption> out;
  for (const Gpu* gpu : gpus) {
    GpuOption o{gpu, budget_for_gpu(budget, *gpu), std::nullopt, "", false};
    try {
      o.plan = make_plan(o.budget, *gpu, law);
    } catch (const InfeasibleError& e) {
      o.unavailable = e.what();
    } catch (const InputError& e) {
      // The field and reason without the budget file's position: a table row names its GPU.
      const std::string where = InputError::format(e.pos(), "", "");
      const std::string why = e.what();
      o.unavailable = why.rfind(where, 0) == 0 ? why.substr(where.size()) : why;
      o.input_problem = true;
    }
    out.push_back(std::move(o));
  }
  return out;
}

namespace {

/// Spend in the budget's unit: dollars, GPU-hours or FLOPs, as the budget counts it.
double spend(const Budget& b, const Plan& p) {
  switch (b.kind) {
    case BudgetKind::kUsd: return p.evaluation.cost.usd;
    case BudgetKind::kGpuHours: return p.evaluation.cost.gpu_hours;
    case BudgetKind::kFlops: return p.evaluation.cost.flops;
  }
  return p.evaluation.cost.usd;
}

/// Whether `a` is the cheaper of two runs the objective ties: less spend in the budget's unit;
/// at equal spend (a FLOP budget buys the same run on every type) fewer dollars, a priced run
/// before an unpriced one; then the shorter wall-clock.
bool cheaper(const Budget& budget, const Plan& a, const Plan& b) {
  const auto differ = [](double x, double y) {
    return std::abs(x - y) > 1e-6 * std::max(1.0, std::abs(y));
  };
  const double spend_a = spend(budget, a), spend_b = spend(budget, b);
  if (differ(spend_a, spend_b)) return spend_a < spend_b;
  const double usd_a = a.evaluation.cost.usd, usd_b = b.evaluation.cost.usd;
  if (std::isfinite(usd_a) != std::isfinite(usd_b)) return std::isfinite(usd_a);
  if (std::isfinite(usd_a) && differ(usd_a, usd_b)) return usd_a < usd_b;
  return a.evaluation.cost.wall_hours < b.evaluation.cost.wall_hours;
}

}  // namespace

GpuAlternative summarize_gpu_option(const GpuOption& o) {
  GpuAlternative a;
  a.gpu = o.gpu->name;
  a.unavailable = o.unavailable;
  if (!o.plan) return a;
  const Plan& p = *o.plan;
  a.has_run = true;
  a.loss = p.evaluation.loss;
  a.usd = p.evaluation.cost.usd;
  a.gpu_hours = p.evaluation.cost.gpu_hours;
  a.wall_hours = p.evaluation.cost.wall_hours;
  a.params = p.run.params;
  a.tokens = p.run.tokens;
  a.gpus = p.run.gpus;
  a.precision = to_string(p.run.precision);
  a.pricing = to_string(p.run.pricing);
  a.mfu = p.evaluation.mfu;
  if (p.roi && o.budget.roi) a.profit_usd = p.roi->profit_usd;
  return a;
}

std::optional<std::size_t> best_gpu_option(const std::vector<GpuOption>& options,
                                           const Budget& budget) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (!options[i].plan) continue;
    if (!best) {
      best = i;
      continue;
    }
    const Plan& a = *options[i].plan;
    const Plan& b = *options[*best].plan;
    const double sa = objective_score(budget, a.evaluation);
    const double sb = objective_score(budget, b.evaluation);
    // Scores equal within a millionth (as the search counts them) tie to the cheaper run.
    if (std::abs(sa - sb) > 1e-6 * std::max(1.0, std::abs(sb))) {
      if (sa > sb) best = i;
    } else if (cheaper(budget, a, b)) {
      best = i;
    }
  }
  return best;
}

std::optional<std::string> gpu_comparison_caveat(const Budget& budget, std::size_t types) {
  // minimize_cost and maximize_profit count dollars: the prices weigh in.
  if (types < 2 || budget.kind != BudgetKind::kGpuHours ||
      budget.objective != Objective::kMinimizeLoss)
    return std::nullopt;
  return "budget.gpu_hours: each GPU type gets the same GPU-hours, whatever an hour of it costs, "
         "so the type that computes most per hour wins; budget.usd weighs the types at their "
         "prices";
}

void throw_no_gpu_option(const std::vector<GpuOption>& options, const Law& law,
                         const std::string& which) {
  bool all_input = !options.empty();
  std::string reasons;
  for (const GpuOption& o : options) {
    all_input = all_input && o.input_problem;
    reasons += (reasons.empty() ? "" : "; ") + o.gpu->name + ": " + o.unavailable;
  }
  // Every GPU lacks what the budget needs (a price): an input problem, reported as the first
  // one is, by re-planning it.
  if (all_input) make_plan(options[0].budget, *options[0].gpu, law);
  throw InfeasibleError("no GPU type " + which + " has a run (" + reasons + ")");
}

Plan make_plan_over_gpus(const Budget& budget, const std::vector<const Gpu*>& gpus,
                         const Law& law) {
  if (gpus.size() == 1) return make_plan(budget_for_gpu(budget, *gpus[0]), *gpus[0], law);
  const std::vector<GpuOption> options = plan_each_gpu(budget, gpus, law);
  const std::optional<std::size_t> best = best_gpu_option(options, budget);
  if (!best) throw_no_gpu_option(options, law, "of hardware.gpu");
  Plan plan = *options[*best].plan;
  if (const auto caveat = gpu_comparison_caveat(budget, gpus.size()))
    plan.warnings.push_back(*caveat);
  for (std::size_t i = 0; i < options.size(); ++i) {
    GpuAlternative a = summarize_gpu_option(options[i]);
    a.chosen = i == *best;
    plan.gpu_options.push_back(a);
    if (options[i].input_problem)
      plan.warnings.push_back("hardware.gpu: " + options[i].gpu->name + " left out: " +
                              options[i].unavailable);
  }
  return plan;
}

}  // namespace scaleplan
