#include "scaleplan/planner/plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

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
  Moe moe;  // experts == 0: dense
};

/// The shape the search gives N: the hardware-friendly dense shape nearest N, with the option's
/// experts (each as wide as its FFN) when it is an MoE.
Shape shape_with(const Shape& dense, const Moe& moe) {
  return moe.experts > 0 ? with_experts(dense, moe.experts, moe.top_k) : dense;
}

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

/// The N and D searched: the law's fitted range and, for a FLOPs budget, its compute-optimal
/// point, widened (model/law.hpp, search_domain), within the budget's own bounds on N and D.
Domain planning_domain(const Budget& b, const Law& law) {
  const SearchBounds s = search_domain(
      law, b.kind == BudgetKind::kFlops ? std::optional<double>(b.amount) : std::nullopt);
  Domain d{s.params_min, s.params_max, s.tokens_min, s.tokens_max};
  // A bound outside the law's domain still moves it: the user asked for that N or D, and the
  // plan warns that it extrapolates.
  const auto within = [](const Bounds& bounds, double& lo, double& hi) {
    if (bounds.min) lo = *bounds.min;
    if (bounds.max) hi = *bounds.max;
    if (bounds.min && !bounds.max) hi = std::max(hi, lo);
    if (bounds.max && !bounds.min) lo = std::min(lo, hi);
  };
  within(b.params_bounds, d.params_min, d.params_max);
  within(b.tokens_bounds, d.tokens_min, d.tokens_max);
  return d;
}

/// Constraints whose value grows in proportion to D: the search scales D by limit / value on
/// them.
bool scales_with_tokens(std::string_view name) {
  return name.substr(0, 7) == "budget." || name == "data.max_epochs" ||
         name == "data.tokens.max" || name == "data.tokens_per_param.max";
}

/// Scores equal within this fraction (of the larger of 1 and the score) tie: the candidates'
/// order (`better`) and the fewest tokens a flat loss needs count ties alike.
constexpr double kScoreTie = 1e-6;

/// One option's world: its runs at any N and D, sized to the budget.
class OptionModel {
 public:
  OptionModel(const Budget& b, const RunContext& context, LayoutSearch& layouts,
              const RunOption& option, const Domain& domain)
      : budget_(b), context_(context), layouts_(layouts), option_(option), domain_(domain) {}

  /// The run at N on `shape` with `layout`, its batch the law's optimum at (N, D).
  TrainingRun run_for(double params, const Shape& shape, const Layout& layout,
                      double tokens) const {
    TrainingRun r;
    r.params = params;
    r.shape = shape;
    r.seq_len = budget_.seq_len;
    r.precision = option_.precision;
    r.gpu = layouts_.gpu();
    r.gpus = option_.gpus;
    r.layout = layout;
    r.pricing = option_.pricing;
    r.usd_per_gpu_hour = option_.usd_per_gpu_hour;
    r.schedule = budget_.schedule;
    r.hyperparameter_law = budget_.hyperparameter_law;
    r.critical_batch = budget_.critical_batch;
    set_tokens(r, tokens);
    return r;
  }

  /// D and the batch that goes with it (the rest of the run unchanged).
  void set_tokens(TrainingRun& r, double tokens) const {
    r.tokens = tokens;
    r.batch_sequences = global_batch_sequences(
        target_batch_tokens(r.hyperparameter_law, r.params, r.shape, r.seq_len, tokens), r.seq_len,
        static_cast<long long>(r.layout.data_parallel) * r.layout.micro_batch_size);
  }

  struct Sized {
    bool feasible = false;
    TrainingRun run;
    Evaluation evaluation;
    std::vector<std::string> violated;
  };

  /// The run at N with the largest D every constraint allows, its layout chosen at that D; where
  /// repeated data has made the loss flat in D, the fewest tokens that score as well.
  Sized largest(double params, const Shape& shape) {
    return sized(params, shape, [&](const Layout& layout) -> std::optional<double> {
      const std::optional<double> most = max_tokens(params, shape, layout);
      if (!most || !repeats_data(*most)) return most;
      return fewest_tokens_as_good(params, shape, layout, *most);
    });
  }

  /// The run at N with the D that earns the most (maximize_profit): profit over every D from the
  /// fewest tokens a run may take to the most the limits allow, not only at the most, for a
  /// smaller, cheaper run may earn more than one that spends the budget (issue 13). A grid of
  /// kProfitGrid points in log D, then golden-section search around the best of them.
  Sized most_profitable(double params, const Shape& shape) {
    return sized(params, shape, [&](const Layout& layout) -> std::optional<double> {
      const std::optional<double> most = max_tokens(params, shape, layout);
      if (!most) return std::nullopt;
      TrainingRun run = run_for(params, shape, layout, *most);
      const MicroBatchTime micro_batch =
          micro_batch_time(run.shape, run.seq_len, run.layout, run.gpu, run.precision);
      const auto profit = [&](double log_d) {
        set_tokens(run, std::exp(log_d));
        const Evaluation e = evaluate(run, context_, micro_batch);
        return e.feasible() ? profit_usd(budget_, e) : -INFINITY;
      };
      const double hi = std::log(*most), lo = std::min(std::log(tokens_floor(run)), hi);
      if (hi - lo < 1e-9) return *most;
      constexpr int kProfitGrid = 24;
      const double step = (hi - lo) / (kProfitGrid - 1);
      int best = kProfitGrid - 1;
      double best_profit = profit(hi);
      for (int i = kProfitGrid - 2; i >= 0; --i) {
        const double p = profit(lo + i * step);
        if (p > best_profit) best = i, best_profit = p;
      }
      double a = lo + std::max(0, best - 1) * step;
      double b = lo + std::min(kProfitGrid - 1, best + 1) * step;
      const double kInvPhi = 0.5 * (std::sqrt(5.0) - 1);
      double x1 = b - kInvPhi * (b - a), x2 = a + kInvPhi * (b - a);
      double f1 = profit(x1), f2 = profit(x2);
      for (int i = 0; i < 40 && b - a > 1e-7; ++i) {
        if (f1 >= f2) b = x2, x2 = x1, f2 = f1, x1 = b - kInvPhi * (b - a), f1 = profit(x1);
        else a = x1, x1 = x2, f1 = f2, x2 = a + kInvPhi * (b - a), f2 = profit(x2);
      }
      const double x = f1 >= f2 ? x1 : x2;
      return std::max(f1, f2) >= best_profit ? std::min(std::exp(x), *most)
                                             : std::exp(lo + best * step);
    });
  }

  /// The run at N with the D that reaches `target` loss (minimize_cost), if allowed.
  Sized reaching(double params, const Shape& shape, double target) {
    const auto& law = std::get<ChinchillaLaw>(context_.law->form);
    const double quality = quality_factor(context_, option_.precision);
    const std::optional<double> ideal = tokens_for_loss(law, params * quality, target);
    if (!ideal || *ideal > domain_.tokens_max) return {};
    return sized(params, shape, [&](const Layout& layout) -> std::optional<double> {
      TrainingRun run = run_for(params, shape, layout, *ideal);
      // The law sees q N' and e D' (run.hpp): iterate on the batch's efficiency e and on N',
      // D' of repeated data, which depend on D.
      double d = *ideal;
      for (int i = 0; i < 6; ++i) {
        set_tokens(run, d);
        const Evaluation e = evaluate(run, context_);
        // The served model must reach the target: the trained loss below it by delta_PTQ.
        const std::optional<double> needed =
            tokens_for_loss(law, quality * e.data.effective_params, target - e.ptq_loss);
        if (!needed) return std::nullopt;
        d = *needed / e.data_efficiency;
        if (e.data.applies && context_.unique_tokens) {
          const std::optional<double> repeated =
              tokens_for_effective_data(d, *context_.unique_tokens, e.data.r_d_star);
          if (!repeated) return std::nullopt;  // past what repeating the data can give
          d = *repeated;
        }
      }
      d = std::max(d, tokens_floor(run));
      if (d > domain_.tokens_max) return std::nullopt;
      return d;
    });
  }

  /// The fewest tokens a run may take: the domain's, enough for the minimum optimizer steps of
  /// the smallest batch the layout runs (one micro-batch per data-parallel rank), and the
  /// budget's data.tokens_per_param.min (a hair above, so that D / N is not a rounding under).
  double tokens_floor(const TrainingRun& run) const {
    double floor = std::max(domain_.tokens_min,
                            static_cast<double>(context_.min_optimizer_steps) * run.seq_len *
                                static_cast<double>(run.layout.data_parallel) *
                                run.layout.micro_batch_size);
    if (context_.tokens_per_param_bounds.min)
      floor = std::max(floor, *context_.tokens_per_param_bounds.min * run.params * (1 + 1e-12));
    return floor;
  }

  /// The largest N some layout fits (bisection in log N on the leanest layouts).
  double params_cap() {
    const auto fits = [&](double n) {
      const Shape shape = round_shape(n, budget_.vocab, budget_.aspect_ratio);
      return layouts_.fits(shape_with(shape, option_.moe), option_.gpus);
    };
    double lo = domain_.params_min, hi = domain_.params_max;
    if (!fits(lo)) return 0;
    if (fits(hi)) return hi;
    for (int i = 0; i < 60 && hi / lo > 1 + 1e-4; ++i) {
      const double mid = std::sqrt(lo * hi);
      (fits(mid) ? lo : hi) = mid;
    }
    return lo;
  }

  const RunContext& context() const { return context_; }

 private:
  template <class TokensFor>
  Sized sized(double params, const Shape& shape, TokensFor tokens_for) {
    Sized s;
    // The layout depends on the batch, the batch on D: start from the last D/N the search saw,
    // choose, size, and choose again until the layout settles.
    double guess = tokens_per_param_ * params;
    for (int round = 0; round < 3; ++round) {
      const std::optional<LayoutChoice> choice = layouts_.choose(
          shape, option_.gpus,
          target_batch_tokens(budget_.hyperparameter_law, params, shape, budget_.seq_len, guess),
          noise_batch_tokens(budget_.critical_batch, budget_.hyperparameter_law, params, shape,
                             budget_.seq_len, guess));
      if (!choice) {
        s.violated = {"memory"};
        return s;
      }
      if (round > 0 && same_layout(choice->layout, s.run.layout)) break;
      const std::optional<double> tokens = tokens_for(choice->layout);
      if (!tokens) {
        s.violated = violated_;
        return s;
      }
      s.run = run_for(params, shape, choice->layout, *tokens);
      guess = *tokens;
    }
    tokens_per_param_ = guess / params;
    s.evaluation = evaluate(s.run, context_);
    s.feasible = s.evaluation.feasible(1e-9);
    if (!s.feasible) s.violated = s.evaluation.violated(1e-9);
    return s;
  }

  static bool same_layout(const Layout& a, const Layout& b) {
    return a.tensor_parallel == b.tensor_parallel && a.pipeline_parallel == b.pipeline_parallel &&
           a.virtual_stages == b.virtual_stages && a.context_parallel == b.context_parallel &&
           a.micro_batch_size == b.micro_batch_size && a.recompute == b.recompute &&
           a.zero_stage == b.zero_stage;
  }

  /// Whether a run of `tokens` repeats its data (pools, or more than data.unique_tokens): only
  /// then can the loss be flat in D.
  bool repeats_data(double tokens) const {
    return !context_.pools.empty() ||
           (context_.unique_tokens && tokens > *context_.unique_tokens);
  }

  /// The fewest tokens, from the floor to `most`, whose run scores as well as the run of `most`
  /// within the planner's tie (a millionth of the score, as `better` counts it): repeated data
  /// saturates the data term (Muennighoff et al. 2023; Goyal et al. 2024's decaying utility), so
  /// past some epoch more D buys nothing the score can tell and only costs money and time.
  /// Bisection in log D on "scores within the tie", keeping the side that does.
  double fewest_tokens_as_good(double params, const Shape& shape, const Layout& layout,
                               double most) const {
    TrainingRun run = run_for(params, shape, layout, most);
    const MicroBatchTime micro_batch =
        micro_batch_time(run.shape, run.seq_len, run.layout, run.gpu, run.precision);
    const Evaluation at_most = evaluate(run, context_, micro_batch);
    if (!at_most.feasible()) return most;
    const double best = objective_score(budget_, at_most);
    const double floor = best - kScoreTie * std::max(1.0, std::abs(best));
    const auto as_good = [&](double log_d) {
      set_tokens(run, std::exp(log_d));
      const Evaluation e = evaluate(run, context_, micro_batch);
      return e.feasible() && objective_score(budget_, e) >= floor;
    };
    double lo = std::log(tokens_floor(run)), hi = std::log(most);
    // Half the data scoring worse is the common case (the loss still falls): one evaluation.
    if (!(hi - lo > 1e-9) || !as_good(std::max(lo, hi - std::log(2.0)))) return most;
    if (as_good(lo)) return std::exp(lo);
    for (int i = 0; i < 60 && hi - lo > 1e-6; ++i) {
      const double mid = 0.5 * (lo + hi);
      (as_good(mid) ? hi : lo) = mid;
    }
    return std::exp(hi);
  }

  /// The largest D in the domain meeting every constraint with this layout: D scaled by
  /// limit / value on the constraints that grow with D until it settles, then held feasible.
  std::optional<double> max_tokens(double params, const Shape& shape, const Layout& layout) {
    TrainingRun run = run_for(params, shape, layout, domain_.tokens_min);
    const MicroBatchTime micro_batch =
        micro_batch_time(run.shape, run.seq_len, run.layout, run.gpu, run.precision);
    const auto at = [&](double d) {
      set_tokens(run, d);
      return evaluate(run, context_, micro_batch);
    };
    const double tokens_min = tokens_floor(run);
    if (tokens_min > domain_.tokens_max) {  // the floor's reasons break at the most D allowed
      violated_ = at(domain_.tokens_max).violated();
      if (violated_.empty()) violated_ = {"optimizer_steps"};
      return std::nullopt;
    }
    const Evaluation low = at(tokens_min);
    if (!low.feasible()) {
      violated_ = low.violated();
      if (tokens_min > domain_.tokens_min) {
        // The minimum steps set this D: they share the blame when the domain's smallest D
        // would have met the rest, else the rest is broken anyway.
        std::vector<std::string> others = at(domain_.tokens_min).violated();
        std::erase(others, "optimizer_steps");
        if (others.empty()) violated_.push_back("optimizer_steps");
        else violated_ = others;
      }
      return std::nullopt;
    }
    double d = tokens_min;
    Evaluation e = low;
    double last_feasible = d;
    for (int i = 0; i < 8; ++i) {
      double ratio = INFINITY;
      for (const ConstraintValue& c : e.constraints)
        if (scales_with_tokens(c.name) && c.value > 0) ratio = std::min(ratio, c.limit / c.value);
      const double next = std::clamp(d * ratio, tokens_min, domain_.tokens_max);
      if (std::abs(next / d - 1) < 1e-10) break;
      d = next;
      e = at(d);
      if (e.feasible()) last_feasible = d;
    }
    // Settle on the feasible side: a converged D can sit a rounding error over a limit; else
    // bisect between the last feasible D and d.
    if (!e.feasible() && at(d * (1 - 1e-9)).feasible()) return d * (1 - 1e-9);
    if (!e.feasible()) {
      double lo = last_feasible, hi = d;
      for (int i = 0; i < 80 && hi / lo > 1 + 1e-10; ++i) {
        const double mid = std::sqrt(lo * hi);
        (at(mid).feasible() ? lo : hi) = mid;
      }
      d = lo;
    }
    return d;
  }

  const Budget& budget_;
  const RunContext& context_;
  LayoutSearch& layouts_;
  RunOption option_;
  Domain domain_;
  std::vector<std::string> violated_;
  double tokens_per_param_ = 20;  // Chinchilla's ratio until the search has seen a run
};

/// The bootstrap interval of the run's loss: each sample judged as `evaluate` judges the run
/// (its own N', D' of repeated data, then precision and batch).
std::optional<LossInterval> run_loss_interval(const Law& law, const TrainingRun& r,
                                              const Evaluation& e, const RunContext& context) {
  if (law.samples.empty()) return std::nullopt;
  std::vector<double> losses;
  for (const LawForm& s : law.samples)
    losses.push_back(run_law_loss(s, context, e.precision_quality, r.params, r.tokens,
                                  e.data_efficiency));
  return loss_quantiles(losses, kLossIntervalCoverage);
}

std::string infeasible_message(const Budget& b, const std::vector<std::string>& violated,
                               const Domain& domain) {
  std::string names;
  for (const std::string& v : violated) {
    if (names.find(v) != std::string::npos) continue;
    names += (names.empty() ? "" : ", ") + v;
  }
  if (names.empty()) names = "memory";  // no shape near the optimum fits: the one limit left
  const bool steps = names.find("optimizer_steps") != std::string::npos;
  std::string msg = "no run meets the constraints: " + names +
                    " (even the smallest run considered, " + format_number(domain.params_min) +
                    " params on " + (steps ? "at least " : "") + format_number(domain.tokens_min) +
                    " tokens" +
                    (steps ? " and " + std::to_string(kMinOptimizerSteps) + " optimizer steps"
                           : "") +
                    ", breaks them";
  if (b.count) msg += " on " + std::to_string(*b.count) + " GPUs";
  else msg += " on up to " + std::to_string(*b.max_count) + " GPUs";
  return msg + ")";
}

/// Why `cheapest` chose its price kind.
void describe_spot(const Budget& b, const Gpu& gpu, Plan* plan) {
  const SpotEffect e = spot_effect(b.spot, plan->run.params, plan->run.gpus);
  const std::optional<double> spot = price_for(b, gpu, Pricing::kSpot);
  const std::optional<double> on_demand = price_for(b, gpu, Pricing::kOnDemand);
  if (spot && on_demand)
    plan->break_even_interruptions_per_hour = break_even_interruptions_per_hour(
        b.spot, plan->run.params, plan->run.gpus, *spot, *on_demand);
  if (b.pricing != Pricing::kCheapest || !spot || !on_demand) return;
  const double effective = *spot * e.time_multiplier;
  const std::string per_hour = "spot costs " + format_number(effective) +
                               " USD per useful GPU-hour with interruptions (" +
                               format_number(*spot) + " x " + format_number(e.time_multiplier) +
                               ") against " + format_number(*on_demand) + " on demand";
  const std::string rates = "break-even " +
                            format_number(plan->break_even_interruptions_per_hour) +
                            " interruptions per instance-hour, assumed " +
                            format_number(b.spot.interruptions_per_instance_hour);
  std::string binding;
  for (const std::string& name : plan->binding) binding += (binding.empty() ? "" : ", ") + name;
  if (plan->run.pricing == Pricing::kSpot)
    plan->pricing_reason = "spot: " + per_hour + "; " + rates;
  else if (effective < *on_demand)
    plan->pricing_reason = "on_demand: " + per_hour + ", but interruptions stretch the p90 " +
                           "wall-clock, so spot reaches a worse run within " + binding;
  else
    plan->pricing_reason = "on_demand: " + per_hour + "; " + rates;
}

struct Candidate {
  Plan plan;
  double score = 0;
};

double cost_of(const Plan& p) {
  return std::isnan(p.evaluation.cost.usd) ? p.evaluation.cost.gpu_hours : p.evaluation.cost.usd;
}

/// Strict order: score (equal within a millionth, as the search counts it), then loss, then
/// cost, then fewer GPUs.
bool better(const Candidate& a, const Candidate& b) {
  constexpr double kTie = 1e-9;
  if (std::abs(a.score - b.score) > kScoreTie * std::max(1.0, std::abs(b.score)))
    return a.score > b.score;
  const double la = a.plan.evaluation.loss, lb = b.plan.evaluation.loss;
  if (std::abs(la - lb) > kTie * lb) return la < lb;
  const double ca = cost_of(a.plan), cb = cost_of(b.plan);
  if (std::abs(ca - cb) > kTie * cb) return ca < cb;
  return a.plan.run.gpus < b.plan.run.gpus;
}

/// The winner: the best score; without a deadline and minimising loss, the shortest wall-clock
/// among the GPU counts (same precision and price) within kLossTieFraction of the best loss.
const Candidate& pick(const std::vector<Candidate>& all, const Budget& b) {
  const Candidate* best = &all.front();
  for (const Candidate& c : all)
    if (better(c, *best)) best = &c;
  if (b.objective != Objective::kMinimizeLoss || b.deadline_hours) return *best;
  const double limit = best->plan.evaluation.loss * (1 + kLossTieFraction);
  const Candidate* fastest = best;
  for (const Candidate& c : all) {
    if (c.plan.evaluation.loss > limit || c.plan.run.precision != best->plan.run.precision ||
        c.plan.run.pricing != best->plan.run.pricing)
      continue;
    const double w = c.plan.evaluation.cost.wall_hours, wf = fastest->plan.evaluation.cost.wall_hours;
    if (w < wf * (1 - 1e-9) || (w <= wf * (1 + 1e-9) && better(c, *fastest))) fastest = &c;
  }
  return *fastest;
}

/// A hyperparameter law's fitted range in words: "1e+17 to 1e+24 FLOPs".
std::string describe_range(const HyperparameterLawRange& r) {
  std::vector<std::string> parts;
  if (r.flops_max > 0)
    parts.push_back(format_number(r.flops_min) + " to " + format_number(r.flops_max) + " FLOPs");
  if (r.params_max > 0)
    parts.push_back("N " + format_number(r.params_min) + " to " + format_number(r.params_max));
  if (r.tokens_max > 0)
    parts.push_back("D " + format_number(r.tokens_min) + " to " + format_number(r.tokens_max) +
                    " tokens");
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

void add_warnings(const Budget& b, const Law& law, const Domain& domain, Plan* plan) {
  auto& warnings = plan->warnings;
  const double n = plan->run.params, d = plan->run.tokens;
  // The range in the law's own N (with embeddings for the joint MoE law).
  const Extrapolation x = extrapolation(law.range, law_params(law, plan->run.shape, n), d);
  if (const std::string note = moe_law_note(law, plan->run.shape); !note.empty())
    warnings.push_back("the loss of this MoE: " + note);
  if (x.params_factor > kExtrapolationWarningFactor)
    warnings.push_back("N = " + format_number(n) + " is " + format_number(x.params_factor) +
                       "x outside the range law '" + law.name + "' was fitted on (" +
                       format_number(law.range.params_min) + " to " +
                       format_number(law.range.params_max) + " params)");
  if (x.tokens_factor > kExtrapolationWarningFactor)
    warnings.push_back("D = " + format_number(d) + " is " + format_number(x.tokens_factor) +
                       "x outside the range law '" + law.name + "' was fitted on (" +
                       format_number(law.range.tokens_min) + " to " +
                       format_number(law.range.tokens_max) + " tokens)");
  const HyperparameterLaw hp_law = plan->run.hyperparameter_law;
  const double hp_outside = hyperparameter_extrapolation(
      hp_law, hyperparameter_inputs(n, plan->run.shape, plan->run.seq_len, d));
  if (hp_outside > kExtrapolationWarningFactor)
    warnings.push_back("the learning rate and batch come from " + to_string(hp_law) + " (" +
                       hyperparameter_law_source(hp_law) + ") " + format_number(hp_outside) +
                       "x outside the range it was fitted on (" +
                       describe_range(hyperparameter_law_range(hp_law)) + ")");
  const double cb_outside = critical_batch_extrapolation(plan->run.critical_batch, d);
  if (cb_outside > kExtrapolationWarningFactor)
    warnings.push_back("the batch-noise scale comes from zhang2024 (Zhang et al. 2024, unverified "
                       "constants) " + format_number(cb_outside) +
                       "x outside the D it was fitted on (" + format_number(kZhang2024TokensMin) +
                       " to " + format_number(kZhang2024TokensMax) + " tokens)");
  // Settings for a precision the planner may not choose change nothing: say so, not silently.
  const auto listed = [&](Precision p) {
    return std::find(b.precisions.begin(), b.precisions.end(), p) != b.precisions.end();
  };
  for (const auto& [precision, quality] : b.precision_quality)
    if (!listed(precision))
      warnings.push_back("model.precision_quality." + to_string(precision) +
                         " has no effect: " + to_string(precision) +
                         " is not in model.precisions");
  if (b.fp4_overhead != kDefaultFp4Overhead && !listed(Precision::kFp4))
    warnings.push_back("model.fp4_overhead has no effect: fp4 is not in model.precisions");
  if (b.aspect_ratio < kFlatAspectRatioMin || b.aspect_ratio > kFlatAspectRatioMax)
    warnings.push_back("model.aspect_ratio " + format_number(b.aspect_ratio) +
                       " is outside the " + format_number(kFlatAspectRatioMin) + "-" +
                       format_number(kFlatAspectRatioMax) +
                       " over which Kaplan et al. 2020 (Sec. 3.1) measured the loss flat to a few "
                       "percent; law '" + law.name + "' does not price the shape, so its loss "
                       "ignores it");
  // The domain's edge, not a bound the user set.
  if ((plan->run.params >= domain.params_max * (1 - 5e-2) && !b.params_bounds.max) ||
      (d >= domain.tokens_max * (1 - kBindingTolerance) && !b.tokens_bounds.max))
    warnings.push_back("the recommendation sits at the edge of the search domain (N <= " +
                       format_number(domain.params_max) + ", D <= " +
                       format_number(domain.tokens_max) + "): the budget is beyond what it models");
  const Evaluation& e = plan->evaluation;
  if (e.data_efficiency < 0.99)
    warnings.push_back("the global batch of " + human_count(static_cast<double>(e.batch_tokens)) +
                       " tokens (at least one sequence per data-parallel rank) is above the " +
                       human_count(e.optimal_batch_tokens) +
                       " the law wants: each token is worth " + fmt("%.2f", e.data_efficiency) +
                       " of one at that batch (McCandlish et al. 2018), costing " +
                       fmt("%.4f", e.batch_loss) + " nats of loss");
  if (e.data.applies && b.unique_tokens &&
      e.data.effective_tokens >= kRepetitionPlateauShare * e.data.unique_tokens *
                                     (1 + e.data.r_d_star))
    warnings.push_back(
        "the run repeats the data " + fmt("%.0f", e.data.epochs) + " times: its effective data " +
        human_count(e.data.effective_tokens) + " is within " +
        fmt("%.0f%%", 100 * (1 - kRepetitionPlateauShare)) + " of the most repetition can give, " +
        human_count(e.data.unique_tokens * (1 + e.data.r_d_star)) +
        " (Muennighoff et al. 2023, Eq. 5): more tokens buy almost nothing; more unique data, "
        "data.max_epochs or a smaller budget");
  if (e.cost.wall_hours > kLongRunHours)
    warnings.push_back("the run takes " + fmt("%.0f", e.cost.wall_hours / 24) +
                       " days; set budget.deadline_hours or more GPUs to shorten it");
  if (b.deadline_hours == std::nullopt && b.max_count && plan->run.gpus == *b.max_count &&
      e.cost.wall_hours > kLongRunHours)
    warnings.push_back("even " + std::to_string(plan->run.gpus) +
                       " GPUs (hardware.max_count) need more than 90 days");
}

/// The largest N the serving caps allow, and the cap that stops a larger model.
struct ServingCap {
  double params = INFINITY;
  std::string name;
};

/// What stops a model of `params` from serving: the serving GPU's memory, the TTFT cap or the
/// latency cap.
std::string serving_cap_name(const ServingInputs& in, double params) {
  const std::string why = serve(in, params).infeasible_reason;
  return why.find("memory") != std::string::npos        ? "inference.gpu"
         : why.find("first token") != std::string::npos ? "inference.ttft_ms"
                                                        : "inference.latency_ms_per_token";
}

/// The serving cap on the search's N for one architecture. Dense: max_servable_params. An MoE
/// serves the shape the search builds at N (shape_with(round_shape(N), moe)): its memory holds
/// the total weights and a decode step reads the experts its batch touches (serving_inputs_for),
/// so the cap is a bisection in log N over those shapes, as params_cap's is over memory.
ServingCap serving_cap_of(const ServingInputs& base, const Moe& moe, int vocab,
                          const Domain& domain) {
  ServingCap cap;
  if (moe.experts == 0) {
    cap.params = max_servable_params(base);
    cap.name = serving_cap_name(base, cap.params * 1.001);
    return cap;
  }
  const auto serving_at = [&](double n) {
    const Shape shape = shape_with(round_shape(n, vocab, base.aspect_ratio), moe);
    return std::make_pair(serving_inputs_for(base, shape), non_embedding_params(shape));
  };
  const auto servable = [&](double n) {
    const auto [in, params] = serving_at(n);
    return serve(in, params).feasible;
  };
  double lo = domain.params_min, hi = domain.params_max;
  if (servable(hi)) return cap;
  if (!servable(lo)) {
    cap.params = 0;
    const auto [in, params] = serving_at(lo);
    cap.name = serving_cap_name(in, params);
    return cap;
  }
  for (int i = 0; i < 60 && hi / lo > 1 + 1e-4; ++i) {
    const double mid = std::sqrt(lo * hi);
    (servable(mid) ? lo : hi) = mid;
  }
  // Rounding to hardware-friendly shapes makes servability bumpy in N: a shape a little above
  // the bisection's edge may still serve (a cap too tight would hide it from the search; one a
  // little loose is caught by the evaluation's own serving constraints).
  const double edge = lo;
  for (double n = edge * 1.005; n <= edge * 1.1; n *= 1.005)
    if (servable(n)) lo = n;
  cap.params = lo;
  hi = std::max(hi, lo * 1.001);
  const auto [in, params] = serving_at(hi);
  cap.name = serving_cap_name(in, params);
  return cap;
}

}  // namespace

std::string moe_law_note(const Law& law, const Shape& shape) {
  if (!is_moe(shape)) return "";
  const Moe& m = shape.moe;
  if (!knows_experts(law.form))
    return "law '" + law.name + "' is dense-only: it sees the " +
           human_count(non_embedding_params(shape)) +
           " active parameters and nothing the experts add (model.law: ludziejewski2025 has an "
           "expert term)";
  std::vector<std::string> outside;
  if (law.range.experts_max > 0 && m.experts > law.range.experts_max)
    outside.push_back(std::to_string(m.experts) + " experts (fitted on E <= " +
                      format_number(law.range.experts_max) + ")");
  if (m.top_k != 1)
    outside.push_back("top-" + std::to_string(m.top_k) + " routing (fitted on top-1)");
  if (m.shared_experts > 0) outside.push_back("shared experts (fitted without)");
  if (outside.empty()) return "";
  std::string s = "law '" + law.name + "' extrapolates to ";
  for (std::size_t i = 0; i < outside.size(); ++i)
    s += (i == 0 ? "" : i + 1 == outside.size() ? " and " : ", ") + outside[i];
  return s;
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
  s.tensor_parallel = in.tensor_parallel;
  s.decode_efficiency = in.decode_efficiency;
  s.aspect_ratio = b.aspect_ratio;
  if (!s.gpu.price_on_demand_usd_per_gpu_hour)
    throw InputError(b.position_of("inference.gpu"), "inference.gpu",
                     "the GPU table has no on-demand price for '" + s.gpu.name + "'");
  s.usd_per_gpu_hour = *s.gpu.price_on_demand_usd_per_gpu_hour;
  return s;
}

double profit_usd(const Budget& b, const Evaluation& e) {
  const Serving& s = *e.serving;
  return b.inference->lifetime_queries *
             (value_per_query(*b.roi, e.served_loss) - s.usd_per_query) -
         e.cost.usd;
}

double objective_score(const Budget& b, const Evaluation& e) {
  switch (b.objective) {
    case Objective::kMinimizeLoss: return -e.loss;
    case Objective::kMaximizeProfit: return profit_usd(b, e);
    case Objective::kMinimizeCost:
      return -(e.cost.usd + (e.serving ? e.serving->lifetime_usd : 0));
  }
  return -e.loss;
}

Gpu cluster_gpu(const Budget& b, const Gpu& gpu) {
  Gpu g = gpu;
  if (b.gpus_per_node) g.gpus_per_node = *b.gpus_per_node;
  if (b.scale_out_gbps) g.scale_out_gbps = *b.scale_out_gbps;
  // fp4's stabilisation costs GEMM time (model.fp4_overhead, precision.hpp).
  if (const auto fp4 = g.matmul.find(Precision::kFp4); fp4 != g.matmul.end())
    fp4->second = with_overhead(fp4->second, b.fp4_overhead);
  return g;
}

std::optional<LayoutChoice> plan_layout(const Shape& shape, double params, double tokens,
                                        int seq_len, const Gpu& gpu, int gpus,
                                        Precision precision, const LayoutRequest& request,
                                        HyperparameterLaw hyperparameter_law) {
  LayoutSearch search(gpu, seq_len, precision, request);
  return search.choose(shape, gpus,
                       target_batch_tokens(hyperparameter_law, params, shape, seq_len, tokens));
}

Plan make_plan(const Budget& b, const Gpu& table_gpu, const Law& law, const Searcher& searcher,
               const LayoutRequest& request) {
  return make_plan_within(b, table_gpu, law, {}, searcher, request);
}

Plan make_plan_within(const Budget& b, const Gpu& table_gpu, const Law& law,
                      const PlanScope& scope, const Searcher& searcher,
                      const LayoutRequest& request) {
  std::vector<std::string> warnings;
  const Gpu gpu = cluster_gpu(b, table_gpu);
  std::vector<Precision> precisions = usable_precisions(b, gpu, &warnings);
  if (scope.precision) precisions = {*scope.precision};
  auto prices = price_options(b, gpu);
  if (scope.pricing)
    std::erase_if(prices, [&](const auto& p) { return p.first != *scope.pricing; });
  const std::vector<int> counts = scope.gpu_counts ? *scope.gpu_counts : gpu_counts(b);
  const Domain domain = planning_domain(b, law);

  RunContext context = context_of(b, law);
  if (const std::string why = pools_problem(context, law.form); !why.empty())
    throw InputError(b.position_of("data.sources"), "data.sources", why);
  if (!context.pools.empty() && b.unique_tokens)  // whatif --unique-tokens on a pooled budget
    throw InputError(b.position_of("data.sources"), "data.sources",
                     "give data.unique_tokens or data.sources, not both");
  if (!context.pools.empty() && b.objective == Objective::kMinimizeCost)
    throw InputError(b.position_of("objective"), "objective",
                     "minimize_cost does not take data.sources with a quality (use minimize_loss "
                     "or maximize_profit)");
  if (b.inference) context.serving = serving_inputs(b);
  // With no queries the profit is minus the training cost: the best run is none (issue 13).
  if (b.objective == Objective::kMaximizeProfit && b.roi && b.inference &&
      !(b.inference->lifetime_queries > 0))
    throw InfeasibleError(
        "training does not pay: with inference.lifetime_queries = 0 no query earns anything, so "
        "every run loses its training cost; do not train (roi, inference)");
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

  // The architectures: dense, and an MoE at each expert count (model.architectures, experts,
  // top_k). Only a law with an expert term can tell them apart.
  std::vector<Moe> architectures;
  for (Architecture a : b.architectures) {
    if (a == Architecture::kDense) architectures.push_back(Moe{});
    if (a == Architecture::kMoe) {
      if (!knows_experts(law.form))
        throw InputError(b.position_of("model.architectures"), "model.architectures",
                         "moe needs a law with an expert term (model.law: ludziejewski2025); "
                         "law '" + law.name + "' is dense-only");
      for (int experts : b.experts)
        architectures.push_back({.experts = experts, .top_k = b.top_k, .shared_experts = 0,
                                 .expert_hidden = 0});
    }
  }

  std::vector<Candidate> candidates;
  std::vector<std::string> violated;
  // Per architecture and GPU count: precision and price do not change it.
  std::map<std::pair<int, int>, double> memory_caps;
  // Per architecture: the largest N the serving caps allow (an MoE serves its total weights).
  std::map<int, ServingCap> serving_caps;
  for (const Moe& moe : architectures)
    serving_caps[moe.experts] = context.serving
                                    ? serving_cap_of(*context.serving, moe, b.vocab, domain)
                                    : ServingCap{};
  for (Precision precision : precisions) {
    LayoutSearch layouts(gpu, b.seq_len, precision, request);
    for (const auto& [pricing, price] : prices) {
      for (const Moe& moe : architectures)
      for (int gpus : counts) {
        OptionModel model(b, context, layouts, {precision, pricing, price, gpus, moe}, domain);
        const std::pair<int, int> cap_key{moe.experts, gpus};
        if (!memory_caps.count(cap_key)) memory_caps[cap_key] = model.params_cap();
        const double memory_cap = memory_caps[cap_key];
        const double serving_cap = serving_caps[moe.experts].params;
        const std::string& serving_cap_name = serving_caps[moe.experts].name;
        if (memory_cap <= 0) {
          violated.push_back("memory");
          continue;
        }
        SizeProblem problem;
        problem.params_min = domain.params_min;
        problem.params_max = std::min({domain.params_max, memory_cap, serving_cap});
        if (problem.params_max < problem.params_min) {
          violated.push_back(memory_cap < serving_cap ? "memory" : serving_cap_name);
          continue;
        }
        const auto sized = [&](double n, const Shape& shape) {
          if (b.objective == Objective::kMinimizeCost)
            return model.reaching(n, shape, *b.target_loss);
          if (b.objective == Objective::kMaximizeProfit && b.roi)
            return model.most_profitable(n, shape);
          return model.largest(n, shape);
        };
        // The search moves along N; each N is the concrete shape nearest it, whose own
        // parameter count the law sees, so what the search optimises is what a run gets.
        problem.at = [&](double n) {
          const Shape shape = shape_with(round_shape(n, b.vocab, b.aspect_ratio), moe);
          const OptionModel::Sized s = sized(non_embedding_params(shape), shape);
          SizePoint p;
          p.params = n;
          p.feasible = s.feasible;
          p.violated = s.violated;
          if (!s.feasible) return p;
          p.tokens = s.run.tokens;
          p.loss = s.evaluation.loss;
          p.score = objective_score(b, s.evaluation);
          return p;
        };
        const SizePoint best = searcher(problem);
        if (!best.feasible) {
          violated.insert(violated.end(), best.violated.begin(), best.violated.end());
          continue;
        }
        // The concrete run: the best of the shapes near the optimum (the nearest in parameters
        // may run a slower layout), else the nearest smaller shape that fits.
        OptionModel::Sized concrete;
        const auto as_candidate = [&](const OptionModel::Sized& s) {
          Candidate c;
          c.plan.run = s.run;
          c.plan.evaluation = s.evaluation;
          c.score = objective_score(b, s.evaluation);
          return c;
        };
        for (const Shape& dense : shapes_near(best.params, b.vocab, kShapesTried, b.aspect_ratio)) {
          const Shape shape = shape_with(dense, moe);
          OptionModel::Sized s = sized(non_embedding_params(shape), shape);
          if (s.feasible && (!concrete.feasible || better(as_candidate(s), as_candidate(concrete))))
            concrete = std::move(s);
        }
        for (double n = best.params * 0.97; n >= domain.params_min && !concrete.feasible; n *= 0.97) {
          const Shape shape = shape_with(round_shape(n, b.vocab, b.aspect_ratio), moe);
          concrete = sized(non_embedding_params(shape), shape);
        }
        if (!concrete.feasible) {
          // The continuous optimum has no concrete shape that meets the limits: name what the
          // last one tried broke, else the shape rules that left none (hostile finding H5).
          violated.insert(violated.end(), concrete.violated.begin(), concrete.violated.end());
          if (concrete.violated.empty()) {
            if (b.params_bounds.min || b.params_bounds.max) violated.push_back("model.params");
            if (b.aspect_ratio != kAspectRatio) violated.push_back("model.aspect_ratio");
          }
          continue;
        }
        Candidate c = as_candidate(concrete);
        c.plan.binding = concrete.evaluation.binding();
        // A cap on N binds when the optimum sits near it (shapes and layouts make the loss
        // slightly bumpy in N, so the optimum may stop a little short of the cap).
        const bool at_cap = best.params >= problem.params_max * (1 - kCapBindingFraction);
        const auto bind = [&](const std::string& name) {
          if (std::find(c.plan.binding.begin(), c.plan.binding.end(), name) == c.plan.binding.end())
            c.plan.binding.push_back(name);
        };
        const std::optional<double>& params_max = b.params_bounds.max;
        if (at_cap && params_max && *params_max <= std::min(memory_cap, serving_cap))
          bind("model.params.max");
        else if (at_cap && serving_cap < memory_cap) bind(serving_cap_name);
        else if (at_cap) bind("memory");
        if (b.params_bounds.min && best.params <= problem.params_min * (1 + kCapBindingFraction))
          bind("model.params.min");
        // The bounds on D and D / N bind as the caps on N do: near them, for the concrete shape
        // beside the search's kink may stop a little short.
        const double d = concrete.run.tokens, ratio = d / concrete.run.params;
        const auto near_bound = [&](const Bounds& bounds, double x, const std::string& key) {
          if (bounds.min && x <= *bounds.min * (1 + kCapBindingFraction)) bind(key + ".min");
          if (bounds.max && x >= *bounds.max * (1 - kCapBindingFraction)) bind(key + ".max");
        };
        near_bound(b.tokens_bounds, d, "data.tokens");
        near_bound(b.tokens_per_param_bounds, ratio, "data.tokens_per_param");
        candidates.push_back(std::move(c));
      }
    }
  }
  if (candidates.empty() && b.objective == Objective::kMinimizeCost)
    throw InfeasibleError("no run reaches target_loss = " + format_number(*b.target_loss) +
                          " within the constraints (" + format_number(*b.target_loss) +
                          " may be below what the budget, deadline, data or serving cap allow)");
  if (candidates.empty()) throw InfeasibleError(infeasible_message(b, violated, domain));

  Plan plan = pick(candidates, b).plan;
  // With both families allowed: the best run of the other family at the same budget.
  if (b.architectures.size() > 1) {
    const bool chose_moe = is_moe(plan.run.shape);
    const Candidate* other = nullptr;
    for (const Candidate& c : candidates)
      if (is_moe(c.plan.run.shape) != chose_moe && (!other || better(c, *other))) other = &c;
    if (other) {
      const TrainingRun& o = other->plan.run;
      plan.alternative = ArchitectureAlternative{
          .architecture = is_moe(o.shape) ? "moe" : "dense",
          .experts = is_moe(o.shape) ? o.shape.moe.experts : 1,
          .loss = other->plan.evaluation.loss,
          .params = o.params,
          .tokens = o.tokens,
          .gpus = o.gpus};
    }
  }
  const Evaluation& e = plan.evaluation;
  if (b.objective != Objective::kMinimizeLoss) {
    RoiReport roi;
    roi.objective = to_string(b.objective);
    roi.training_usd = e.cost.usd;
    roi.inference_usd = e.serving ? e.serving->lifetime_usd : 0;
    if (b.roi) {  // maximize_profit, which requires an inference: section
      roi.value_usd = value_per_query(*b.roi, e.served_loss);
      roi.profit_usd = profit_usd(b, e);
      // "Do not train" is an answer (issue 13): never recommend a run that loses money.
      if (!(roi.profit_usd > 0))
        throw InfeasibleError(
            "training does not pay: the most profitable run (" + format_number(plan.run.params) +
            " params on " + format_number(plan.run.tokens) + " tokens, served loss " +
            format_number(e.served_loss) + ") earns " + format_number(roi.value_usd) +
            " USD a query against " + format_number(e.serving->usd_per_query) +
            " USD to serve it, a profit of " + format_number(roi.profit_usd) + " USD after " +
            format_number(e.cost.usd) + " USD of training; do not train (roi, inference)");
      Budget loss_first = b;
      loss_first.objective = Objective::kMinimizeLoss;
      loss_first.roi.reset();
      const Plan l = make_plan_within(loss_first, table_gpu, law, scope, searcher, request);
      roi.loss_min_params = l.run.params;
      roi.loss_min_tokens = l.run.tokens;
      roi.loss_min_loss = l.evaluation.loss;
      roi.loss_min_profit_usd = profit_usd(b, l.evaluation);
    }
    plan.roi = roi;
  }
  if (b.pricing != Pricing::kOnDemand) describe_spot(b, gpu, &plan);
  plan.loss_interval = run_loss_interval(law, plan.run, e, context);
  plan.sources = b.sources;
  const LawForm form = law_form_for(law, plan.run.shape);
  const double law_n = law_params(law, plan.run.shape, plan.run.params);
  for (Precision p : precisions) {
    const double q = quality_factor(context, p);
    plan.loss_by_precision.push_back(
        {p, q, run_law_loss(form, context, q, law_n, plan.run.tokens, e.data_efficiency)});
  }
  plan.law_name = law.name;
  plan.law_source = law.source;
  plan.warnings = std::move(warnings);
  add_warnings(b, law, domain, &plan);
  return plan;
}

}  // namespace scaleplan

namespace scaleplan {
namespace {

/// The counts of `ladder` from `below` places under `gpus` to `above` places over it.
std::vector<int> counts_near(const std::vector<int>& ladder, int gpus, int below, int above) {
  const auto at = std::lower_bound(ladder.begin(), ladder.end(), gpus);
  const long index = at - ladder.begin();
  std::vector<int> out;
  for (long i = std::max(0L, index - below);
       i <= std::min(static_cast<long>(ladder.size()) - 1, index + above); ++i)
    out.push_back(ladder[static_cast<std::size_t>(i)]);
  return out;
}

bool binds(const Plan& p, const std::string& name) {
  return std::find(p.binding.begin(), p.binding.end(), name) != p.binding.end();
}

std::string unit_of(BudgetKind kind) {
  return kind == BudgetKind::kUsd ? "USD" : kind == BudgetKind::kGpuHours ? "GPU-hours" : "FLOPs";
}

/// The sentence saying what one binding constraint does to the plan.
std::string reason(const std::string& name, const Budget& b, const Plan& p, double spent) {
  const Evaluation& e = p.evaluation;
  if (name == budget_field(b.kind))
    return "the budget: the run spends " + format_number(spent) + " of " +
           format_number(b.amount) + " " + unit_of(b.kind) + "; more would buy a larger or longer run";
  if (name == "budget.deadline_hours")
    return "the deadline: the run takes " + fmt("%.1f", e.deadline_wall_hours) + " of " +
           fmt("%.1f", *b.deadline_hours) + " hours; more GPUs or more time would buy more compute";
  if (name == "data.max_epochs")
    return "the epoch cap: the run repeats its " + format_number(*b.unique_tokens) +
           " unique tokens the " + format_number(*b.max_epochs) + " times data.max_epochs allows";
  if (name == "memory")
    return "GPU memory: a larger model does not fit on " + std::to_string(p.run.gpus) + " " +
           p.run.gpu.name + " with any layout considered";
  if (name == "optimizer_steps")
    return "the minimum of " + std::to_string(kMinOptimizerSteps) +
           " optimizer steps: the batch is cut below the law's optimum to reach them";
  if (name.starts_with("inference."))
    return "the serving cap " + name + ": a larger model would break it";
  if (name.starts_with("model.params.") || name.starts_with("data.tokens"))
    return "your bound " + name + ": the plan sits at it";
  return name;
}

}  // namespace

Explanation explain(const Budget& b, const Gpu& gpu, const Law& law, const Plan& plan) {
  Explanation x;
  const Evaluation& e = plan.evaluation;
  x.budget_field = std::string(budget_field(b.kind));
  x.spent = b.kind == BudgetKind::kUsd        ? e.cost.usd
            : b.kind == BudgetKind::kGpuHours ? e.cost.gpu_hours
                                              : e.cost.flops;
  x.limit = b.amount;
  for (const std::string& name : plan.binding) x.reasons.push_back(reason(name, b, plan, x.spent));
  const int gpus = plan.run.gpus;
  const bool all_gpus = b.count || gpus == *b.max_count;
  if (all_gpus)
    x.reasons.push_back("the GPUs: the run uses all " + std::to_string(gpus) +
                        (b.count ? " (hardware.count)" : " (hardware.max_count)"));

  PlanScope same_choice;
  same_choice.precision = plan.run.precision;
  same_choice.pricing = plan.run.pricing;
  const auto price = [&](const std::string& constraint, const std::string& change, double limit,
                         double relaxed_limit, const Budget& relaxed, std::vector<int> counts) {
    Marginal m;
    m.constraint = constraint;
    m.change = change;
    m.limit = limit;
    m.relaxed_limit = relaxed_limit;
    PlanScope scope = same_choice;
    scope.gpu_counts = std::move(counts);
    try {
      Plan p = make_plan_within(relaxed, gpu, law, scope);
      // Every relaxation keeps the plan's own run feasible, so the best relaxed run is at least
      // as good: a re-solve that comes out worse (the no-deadline pick of the fastest count
      // within kLossTieFraction of a best loss that the narrower scope moved, or the search's
      // precision on a wider domain) is answered with the plan itself.
      if (objective_score(relaxed, p.evaluation) < objective_score(relaxed, e)) p = plan;
      m.feasible = true;
      m.loss = p.evaluation.loss;
      m.loss_gained = e.loss - m.loss;
      m.params = p.run.params;
      m.tokens = p.run.tokens;
      m.gpus = p.run.gpus;
      if (plan.roi && p.roi && plan.roi->loss_min_params)
        m.profit_gained_usd = p.roi->profit_usd - plan.roi->profit_usd;
    } catch (const InfeasibleError&) {
    }
    x.marginals.push_back(m);
  };
  const std::vector<int> ladder = gpu_counts(b);
  const std::vector<int> near = counts_near(ladder, gpus, 1, 1);

  if (binds(plan, x.budget_field)) {
    Budget r = b;
    r.amount *= kExplainBudgetFactor;
    price(x.budget_field, "+10%", b.amount, r.amount, r, near);
  }
  if (binds(plan, "budget.deadline_hours")) {
    Budget r = b;
    *r.deadline_hours += kExplainDeadlineHours;
    price("budget.deadline_hours", "+24 hours", *b.deadline_hours, *r.deadline_hours, r, near);
  }
  if (all_gpus) {
    const int limit = b.count ? *b.count : *b.max_count;
    if (limit <= std::numeric_limits<int>::max() / 2) {
      // A fixed count relaxed is the choice of up to twice as many (never fewer than fixed: the
      // same run stays available, so the relaxation cannot lose).
      Budget r = b;
      r.count.reset();
      r.max_count = 2 * limit;
      price(b.count ? "hardware.count" : "hardware.max_count", b.count ? "up to x2" : "x2", limit,
            2 * limit, r,
            b.count ? std::vector<int>{limit, 2 * limit} : counts_near(gpu_counts(r), gpus, 0, 2));
    }
  }
  // Repeated data cost loss (Muennighoff et al. 2023): twice the unique data is worth pricing
  // whenever the run repeats it, and so is a binding epoch cap.
  if (b.unique_tokens && plan.run.tokens > *b.unique_tokens * (1 + kBindingTolerance)) {
    x.reasons.push_back("the data: the run takes " + fmt("%.1f", plan.run.tokens / *b.unique_tokens) +
                        " epochs over " + format_number(*b.unique_tokens) +
                        " unique tokens; repetition and the parameters they cannot support cost " +
                        fmt("%.4f", e.repetition_loss + e.excess_params_loss) + " nats");
    Budget r = b;
    *r.unique_tokens *= kExplainScaleFactor;
    price("data.unique_tokens", "x2", *b.unique_tokens, *r.unique_tokens, r, near);
  }
  if (binds(plan, "data.max_epochs")) {
    Budget r = b;
    *r.max_epochs *= kExplainScaleFactor;
    price("data.max_epochs", "x2", *b.max_epochs, *r.max_epochs, r, near);
  }
  // The user's own bounds: what they cost (a maximum doubled, a minimum halved).
  const std::vector<std::pair<std::string, Bounds Budget::*>> bounds = {
      {"model.params", &Budget::params_bounds},
      {"data.tokens", &Budget::tokens_bounds},
      {"data.tokens_per_param", &Budget::tokens_per_param_bounds}};
  for (const auto& [key, member] : bounds) {
    for (const bool is_max : {true, false}) {
      const std::string name = key + (is_max ? ".max" : ".min");
      if (!binds(plan, name)) continue;
      Budget r = b;
      std::optional<double>& bound = is_max ? (r.*member).max : (r.*member).min;
      const double limit = *bound;
      *bound = is_max ? limit * kExplainScaleFactor : limit / kExplainScaleFactor;
      price(name, is_max ? "x2" : "/2", limit, *bound, r, near);
    }
  }
  return x;
}

}  // namespace scaleplan
