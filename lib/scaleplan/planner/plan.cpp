#include "scaleplan/planner/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scaleplan/model/inference_aware.hpp"
#include "scaleplan/text.hpp"


namespace scaleplan {
namespace {

/// One discrete choice the planner enumerates.
struct RunOption {
  Precision precision;
  Pricing pricing;  // on_demand or spot
  double usd_per_gpu_hour;
  int gpus;
};

std::string format_number(double x) { return fmt("%.4g", x); }

std::vector<int> gpu_counts(const Budget& b) {
  if (b.count) return {*b.count};
  std::vector<int> counts;
  for (int n = 1; n < *b.max_count; n *= 2) counts.push_back(n);
  counts.push_back(*b.max_count);
  return counts;
}

std::optional<double> price_for(const Budget& b, const Gpu& gpu, Pricing p) {
  if (p == Pricing::kSpot)
    return b.price_spot_usd_per_gpu_hour ? b.price_spot_usd_per_gpu_hour
                                         : gpu.price_spot_usd_per_gpu_hour;
  return b.price_on_demand_usd_per_gpu_hour ? b.price_on_demand_usd_per_gpu_hour
                                            : gpu.price_on_demand_usd_per_gpu_hour;
}

/// The prices to try. A price is needed only when the budget is in dollars; otherwise a missing
/// one is reported as unknown (NaN) cost.
std::vector<std::pair<Pricing, double>> price_options(const Budget& b, const Gpu& gpu) {
  std::vector<Pricing> kinds;
  if (b.pricing == Pricing::kCheapest) kinds = {Pricing::kOnDemand, Pricing::kSpot};
  else kinds = {b.pricing};
  std::vector<std::pair<Pricing, double>> out;
  for (Pricing kind : kinds) {
    const std::optional<double> price = price_for(b, gpu, kind);
    if (price) out.emplace_back(kind, *price);
    else if (b.pricing != Pricing::kCheapest && b.kind == BudgetKind::kUsd)
      throw InputError(b.position_of("hardware.price_usd_per_gpu_hour"),
                       "hardware.price_usd_per_gpu_hour",
                       "the GPU table has no " + to_string(kind) + " price for '" + gpu.name +
                           "'; give one");
    else if (b.pricing != Pricing::kCheapest) out.emplace_back(kind, NAN);
  }
  if (out.empty())
    throw InputError(b.position_of("hardware.price_usd_per_gpu_hour"),
                     "hardware.price_usd_per_gpu_hour",
                     "the GPU table has no price for '" + gpu.name + "'; give one");
  return out;
}

std::vector<Precision> usable_precisions(const Budget& b, const Gpu& gpu,
                                         std::vector<std::string>* warnings) {
  std::vector<Precision> out;
  std::string skipped;
  for (Precision p : b.precisions) {
    if (gpu.tflops.count(p)) out.push_back(p);
    else skipped += (skipped.empty() ? "" : ", ") + to_string(p);
  }
  if (out.empty())
    throw InputError(b.position_of("model.precisions"), "model.precisions",
                     "'" + gpu.name + "' supports none of the listed precisions (" + skipped + ")");
  if (!skipped.empty()) warnings->push_back(gpu.name + " has no " + skipped + " rate: skipped");
  return out;
}

/// Everything the constraints of one option need, by value (the closures outlive make_plan's
/// locals only inside `search`).
struct RunModel {
  FlopsConvention convention;
  double seq_len;
  Gpu gpu;
  std::optional<double> fixed_mfu;
  RunOption option;

  SpotInputs spot;

  double mfu(double params) const { return fixed_mfu ? *fixed_mfu : mfu_for(gpu, params); }
  bool on_spot() const { return option.pricing == Pricing::kSpot; }
  /// Uninterrupted figures.
  TrainingCost base_cost(double params, double tokens) const {
    return training_cost(training_flops_per_token(convention, params, seq_len), tokens,
                         achieved_flops_per_s(gpu, option.precision, mfu(params)),
                         option.usd_per_gpu_hour, option.gpus);
  }
  /// Expected figures: on spot, interruptions stretch GPU-hours, dollars and wall-clock.
  TrainingCost cost(double params, double tokens) const {
    TrainingCost c = base_cost(params, tokens);
    if (!on_spot()) return c;
    const double m = spot_effect(spot, params, option.gpus).time_multiplier;
    c.gpu_hours *= m;
    c.usd *= m;
    c.wall_hours *= m;
    return c;
  }
  /// The wall-clock the deadline is held to: p90 on spot, the plain figure on demand.
  double deadline_hours(double params, double tokens) const {
    const TrainingCost c = base_cost(params, tokens);
    if (!on_spot()) return c.wall_hours;
    return spot_wall_hours_p90(spot_effect(spot, params, option.gpus), c.wall_hours,
                               spot.restart_hours);
  }
};

/// The N and D searched: the law's fitted range and, for a FLOPs budget, its compute-optimal
/// point, widened (model/law.hpp, search_domain).
Domain planning_domain(const Budget& b, const Law& law) {
  const SearchBounds s = search_domain(
      law, b.kind == BudgetKind::kFlops ? std::optional<double>(b.amount) : std::nullopt);
  return {s.params_min, s.params_max, s.tokens_min, s.tokens_max};
}

SearchProblem make_problem(const Budget& b, const Law& law, const RunModel& model) {
  SearchProblem p;
  p.law = law.form;
  p.domain = planning_domain(b, law);
  p.quality_params_factor = precision_traits(model.option.precision).quality_params_factor;
  p.memory_params_max = max_trainable_params(model.gpu.memory_gb, model.seq_len, model.option.gpus);
  const auto add = [&](std::string name, double limit, auto field) {
    p.constraints.push_back({std::move(name), limit, [model, field](double n, double d) {
                               return field(model.cost(n, d));
                             }});
  };
  switch (b.kind) {
    case BudgetKind::kUsd: add("budget.usd", b.amount, [](const TrainingCost& c) { return c.usd; });
      break;
    case BudgetKind::kGpuHours:
      add("budget.gpu_hours", b.amount, [](const TrainingCost& c) { return c.gpu_hours; });
      break;
    case BudgetKind::kFlops:
      add("budget.flops", b.amount, [](const TrainingCost& c) { return c.flops; });
      break;
  }
  if (b.deadline_hours)
    p.constraints.push_back({"budget.deadline_hours", *b.deadline_hours,
                             [model](double n, double d) { return model.deadline_hours(n, d); }});
  if (b.unique_tokens)
    p.constraints.push_back(
        {"data.unique_tokens", *b.unique_tokens, [](double, double d) { return d; }});
  return p;
}

std::string infeasible_message(const Budget& b, const std::vector<std::string>& violated,
                               const Domain& domain) {
  std::string names;
  for (const std::string& v : violated) {
    if (names.find(v) != std::string::npos) continue;
    names += (names.empty() ? "" : ", ") + v;
  }
  std::string msg = "no run meets the constraints: " + names +
                    " (even the smallest run considered, " + format_number(domain.params_min) +
                    " params on " + format_number(domain.tokens_min) + " tokens, breaks them";
  if (b.count) msg += " on " + std::to_string(*b.count) + " GPUs";
  else msg += " on up to " + std::to_string(*b.max_count) + " GPUs";
  return msg + ")";
}

ServingInputs serving_inputs(const Budget& b) {
  const InferenceBudget& in = *b.inference;
  if (!in.resolved) throw InputError(b.position_of("inference.gpu"), "inference.gpu", "not resolved");
  ServingInputs s;
  s.gpu = *in.resolved;
  s.precision = in.precision;
  s.latency_ms_per_token = in.latency_ms_per_token;
  s.ttft_ms = in.ttft_ms;
  s.prompt_tokens = in.prompt_tokens;
  s.tokens_per_query = in.tokens_per_query;
  s.lifetime_queries = in.lifetime_queries;
  if (!s.gpu.price_on_demand_usd_per_gpu_hour)
    throw InputError(b.position_of("inference.gpu"), "inference.gpu",
                     "the GPU table has no on-demand price for '" + s.gpu.name + "'");
  s.usd_per_gpu_hour = *s.gpu.price_on_demand_usd_per_gpu_hour;
  return s;
}

/// Lifetime profit of a run: queries x (value - serving cost) - training cost.
double profit_usd(const Budget& b, const ServingInputs& serving, const RunModel& model,
                  const LawForm& law, double params, double tokens) {
  const double quality = precision_traits(model.option.precision).quality_params_factor;
  const Serving s = serve(serving, params);
  const double value = value_per_query(*b.roi, loss(law, params * quality, tokens));
  return serving.lifetime_queries * (value - s.usd_per_query) - model.cost(params, tokens).usd;
}

/// Spot figures of the chosen run, and why `cheapest` chose its price kind.
void describe_spot(const Budget& b, const Gpu& gpu, Plan* plan) {
  const SpotEffect e = spot_effect(b.spot, plan->params, plan->gpus);
  const double base_wall = plan->pricing == Pricing::kSpot
                               ? plan->cost.wall_hours / e.time_multiplier
                               : plan->cost.wall_hours;
  const std::optional<double> spot = price_for(b, gpu, Pricing::kSpot);
  const std::optional<double> on_demand = price_for(b, gpu, Pricing::kOnDemand);
  SpotReport r;
  r.interruptions_expected = e.interruptions_per_hour * base_wall * e.time_multiplier;
  r.checkpoint_interval_minutes = 60 * e.checkpoint_interval_hours;
  r.lost_work_fraction = e.lost_work_fraction;
  r.wall_hours_p90 = spot_wall_hours_p90(e, base_wall, b.spot.restart_hours);
  r.break_even_interruptions_per_hour =
      spot && on_demand ? break_even_interruptions_per_hour(b.spot, plan->params, plan->gpus,
                                                            *spot, *on_demand)
                        : NAN;
  plan->spot = r;
  if (b.pricing == Pricing::kCheapest && spot && on_demand) {
    const double effective = *spot * e.time_multiplier;
    const std::string per_hour = "spot costs " + format_number(effective) +
                                 " USD per useful GPU-hour with interruptions (" +
                                 format_number(*spot) + " x " + format_number(e.time_multiplier) +
                                 ") against " + format_number(*on_demand) + " on demand";
    const std::string rates = "break-even " + format_number(r.break_even_interruptions_per_hour) +
                              " interruptions per instance-hour, assumed " +
                              format_number(b.spot.interruptions_per_instance_hour);
    std::string binding;
    for (const std::string& name : plan->binding) binding += (binding.empty() ? "" : ", ") + name;
    if (plan->pricing == Pricing::kSpot)
      plan->pricing_reason = "spot: " + per_hour + "; " + rates;
    else if (effective < *on_demand)
      plan->pricing_reason = "on_demand: " + per_hour + ", but interruptions stretch the p90 " +
                             "wall-clock, so spot reaches a worse run within " + binding;
    else
      plan->pricing_reason = "on_demand: " + per_hour + "; " + rates;
  }
}

bool better(const Plan& a, const Plan& b, Objective objective) {
  constexpr double kTie = 1e-9;
  if (objective == Objective::kMaximizeProfit &&
      std::abs(a.roi->profit_usd - b.roi->profit_usd) > kTie * std::max(1.0, std::abs(b.roi->profit_usd)))
    return a.roi->profit_usd > b.roi->profit_usd;
  if (objective == Objective::kMinimizeCost) {
    const double ca = a.roi->training_usd + a.roi->inference_usd;
    const double cb = b.roi->training_usd + b.roi->inference_usd;
    if (std::abs(ca - cb) > kTie * cb) return ca < cb;
  }
  if (std::abs(a.loss - b.loss) > kTie * b.loss) return a.loss < b.loss;
  const double ca = std::isnan(a.cost.usd) ? a.cost.gpu_hours : a.cost.usd;
  const double cb = std::isnan(b.cost.usd) ? b.cost.gpu_hours : b.cost.usd;
  if (std::abs(ca - cb) > kTie * cb) return ca < cb;
  return a.gpus < b.gpus;
}

}  // namespace

Plan make_plan(const Budget& b, const Gpu& gpu, const Law& law, const Searcher& searcher) {
  std::vector<std::string> warnings;
  const std::vector<Precision> precisions = usable_precisions(b, gpu, &warnings);
  const auto prices = price_options(b, gpu);

  std::optional<ServingInputs> serving;
  double serving_cap = INFINITY;
  std::string serving_cap_name;
  if (b.inference) {
    serving = serving_inputs(b);
    serving_cap = max_servable_params(*serving);
    // What stops a larger model: the serving GPU's memory, the TTFT cap or the latency cap.
    const std::string why = serve(*serving, serving_cap * 1.001).infeasible_reason;
    serving_cap_name = why.find("memory") != std::string::npos ? "inference.gpu"
                       : why.find("first token") != std::string::npos
                           ? "inference.ttft_ms"
                           : "inference.latency_ms_per_token";
  }
  if (b.objective == Objective::kMinimizeCost && !std::holds_alternative<ChinchillaLaw>(law.form))
    throw InputError(b.position_of("objective"), "objective",
                     "minimize_cost needs a chinchilla-form law (law '" + law.name + "' is not)");
  if (b.objective != Objective::kMinimizeLoss && b.kind != BudgetKind::kUsd)
    for (const auto& [kind, price] : prices)
      if (std::isnan(price))
        throw InputError(b.position_of("hardware.price_usd_per_gpu_hour"),
                         "hardware.price_usd_per_gpu_hour",
                         "objective " + to_string(b.objective) + " needs a price for '" +
                             gpu.name + "'");

  std::optional<Plan> best;
  std::vector<std::string> violated;
  for (Precision precision : precisions) {
    for (const auto& [pricing, price] : prices) {
      for (int gpus : gpu_counts(b)) {
        const RunModel model{b.flops_per_token, static_cast<double>(b.seq_len), gpu, b.mfu,
                             {precision, pricing, price, gpus}, b.spot};
        SearchProblem problem = make_problem(b, law, model);
        if (serving && serving_cap < problem.memory_params_max) {
          problem.memory_params_max = serving_cap;
          problem.params_cap_name = serving_cap_name;
        }
        const double quality = precision_traits(precision).quality_params_factor;
        SearchResult r;
        if (b.objective == Objective::kMinimizeLoss) {
          r = searcher(problem);
        } else if (b.objective == Objective::kMaximizeProfit) {
          r = best_along_curve(
              problem, [&](double n) { return max_feasible_tokens(problem, n); },
              [&](double n, double d) { return profit_usd(b, *serving, model, law.form, n, d); });
        } else {
          const auto& chinchilla = std::get<ChinchillaLaw>(law.form);
          r = best_along_curve(
              problem,
              [&](double n) {
                return tokens_for_loss(chinchilla, n * quality, *b.target_loss).value_or(0);
              },
              [&](double n, double d) {
                const double inference = serving ? serve(*serving, n).lifetime_usd : 0;
                return -(model.cost(n, d).usd + inference);
              });
        }
        if (!r.feasible) {
          violated.insert(violated.end(), r.violated.begin(), r.violated.end());
          continue;
        }
        Plan plan;
        plan.params = r.params;
        plan.tokens = r.tokens;
        plan.precision = precision;
        plan.gpu = gpu.name;
        plan.gpus = gpus;
        plan.pricing = pricing;
        plan.usd_per_gpu_hour = price;
        plan.mfu = model.mfu(r.params);
        plan.loss = r.loss;
        plan.cost = model.cost(r.params, r.tokens);
        plan.binding = r.binding;
        if (serving) plan.inference = serve(*serving, r.params);
        if (b.objective != Objective::kMinimizeLoss) {
          RoiReport roi;
          roi.objective = to_string(b.objective);
          roi.training_usd = plan.cost.usd;
          roi.inference_usd = plan.inference ? plan.inference->lifetime_usd : 0;
          if (b.roi) {  // maximize_profit, which requires an inference: section
            roi.value_usd = value_per_query(*b.roi, r.loss);
            roi.profit_usd = profit_usd(b, *serving, model, law.form, r.params, r.tokens);
          }
          plan.roi = roi;
        }
        if (!best || better(plan, *best, b.objective)) best = plan;
      }
    }
  }
  if (!best && b.objective == Objective::kMinimizeCost)
    throw InfeasibleError("no run reaches target_loss = " + format_number(*b.target_loss) +
                          " within the constraints (" + format_number(*b.target_loss) +
                          " may be below what the budget, deadline, data or serving cap allow)");
  if (!best) throw InfeasibleError(infeasible_message(b, violated, planning_domain(b, law)));
  if (b.objective == Objective::kMaximizeProfit) {
    const double margin = best->roi->value_usd - best->inference->usd_per_query;
    if (b.inference->lifetime_queries > 0 && margin <= 0)
      throw InfeasibleError(
          "no profitable run: at the best run (" + format_number(best->params) +
          " params, loss " + format_number(best->loss) + ") a query is worth " +
          format_number(best->roi->value_usd) + " USD but costs " +
          format_number(best->inference->usd_per_query) + " USD to serve (roi, inference)");
    Budget loss_first = b;
    loss_first.objective = Objective::kMinimizeLoss;
    loss_first.roi.reset();
    const Plan l = make_plan(loss_first, gpu, law, searcher);
    RoiReport& roi = *best->roi;
    roi.loss_min_params = l.params;
    roi.loss_min_tokens = l.tokens;
    roi.loss_min_loss = l.loss;
    const RunModel model{b.flops_per_token, static_cast<double>(b.seq_len), gpu, b.mfu,
                         {l.precision, l.pricing, l.usd_per_gpu_hour, l.gpus}, b.spot};
    roi.loss_min_profit_usd = profit_usd(b, *serving, model, law.form, l.params, l.tokens);
  }

  Plan& plan = *best;
  if (b.pricing != Pricing::kOnDemand) describe_spot(b, gpu, &plan);
  const double quality = precision_traits(plan.precision).quality_params_factor;
  plan.shape = round_shape(plan.params);
  plan.loss_at_shape = loss(law, plan.shape.params * quality, plan.tokens);
  plan.loss_interval = loss_interval(law, plan.params * quality, plan.tokens, kLossIntervalCoverage);
  plan.recipe = make_recipe(plan.cost.flops, plan.tokens, b.seq_len, b.schedule);
  plan.memory_gb_per_gpu = training_bytes_per_gpu(plan.params, b.seq_len, plan.gpus) / 1e9;
  plan.law_name = law.name;
  plan.law_source = law.source;

  const Extrapolation x = extrapolation(law.range, plan.params, plan.tokens);
  if (x.params_factor > kExtrapolationWarningFactor)
    warnings.push_back("N = " + format_number(plan.params) + " is " +
                       format_number(x.params_factor) + "x outside the range law '" + law.name +
                       "' was fitted on (" + format_number(law.range.params_min) + " to " +
                       format_number(law.range.params_max) + " params)");
  if (x.tokens_factor > kExtrapolationWarningFactor)
    warnings.push_back("D = " + format_number(plan.tokens) + " is " +
                       format_number(x.tokens_factor) + "x outside the range law '" + law.name +
                       "' was fitted on (" + format_number(law.range.tokens_min) + " to " +
                       format_number(law.range.tokens_max) + " tokens)");
  const Domain domain = planning_domain(b, law);
  if (plan.params >= domain.params_max * (1 - kBindingTolerance) ||
      plan.tokens >= domain.tokens_max * (1 - kBindingTolerance))
    warnings.push_back("the recommendation sits at the edge of the search domain (N <= " +
                       format_number(domain.params_max) + ", D <= " +
                       format_number(domain.tokens_max) + "): the budget is beyond what it models");
  plan.warnings = std::move(warnings);
  return plan;
}

}  // namespace scaleplan
