#pragma once
/// The recommendation: the discrete choices enumerated (precision, price, GPU count), the search
/// over model size run for each with the layout chosen per size, and the best run evaluated.

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scaleplan/model/law.hpp"
#include "scaleplan/planner/budget.hpp"
#include "scaleplan/planner/layout_search.hpp"
#include "scaleplan/planner/run.hpp"
#include "scaleplan/planner/search.hpp"

namespace scaleplan {

/// Coverage of the predicted-loss interval reported when the law has bootstrap samples.
inline constexpr double kLossIntervalCoverage = 0.80;
/// Warn when the recommendation lies this many times beyond the law's fitted range.
inline constexpr double kExtrapolationWarningFactor = 10;
/// Without a deadline, runs within this share of the best loss count as tied, and the shortest
/// wall-clock among them wins (more GPUs for about the same money).
inline constexpr double kLossTieFraction = 1e-3;
/// The memory or serving cap on N binds when the optimum is within this share of it.
inline constexpr double kCapBindingFraction = 0.05;
/// Shapes near the search's optimum the planner evaluates as concrete runs.
inline constexpr int kShapesTried = 6;
/// Warn when repeated data reach this share of the plateau U (1 + R_D*) of effective data.
inline constexpr double kRepetitionPlateauShare = 0.97;
/// Warn when a plan trains longer than this.
inline constexpr double kLongRunHours = 90 * 24;

/// What a loss prediction for an MoE shape cannot be trusted for, in words ("" when nothing): a
/// dense-only law sees the active parameters alone; the joint MoE law (Ludziejewski et al. 2025)
/// was fitted on top-1, unshared experts, at most FitRange::experts_max of them.
std::string moe_law_note(const Law& law, const Shape& shape);

/// The economics of the chosen run, for objectives beyond the loss.
struct RoiReport {
  std::string objective;
  double value_usd = 0;   ///< value of one query at the predicted loss
  double profit_usd = 0;  ///< lifetime queries x (value - serving cost) - training cost
  double training_usd = 0, inference_usd = 0;
  /// maximize_profit: the loss-minimizing run under the same budget, for comparison.
  std::optional<double> loss_min_params, loss_min_tokens, loss_min_loss, loss_min_profit_usd;
};

/// What relaxing one binding constraint buys: the plan re-solved with it relaxed.
struct Marginal {
  std::string constraint;  ///< the binding constraint: "budget.usd", "hardware.max_count", ...
  std::string change;      ///< "+10%", "+24 hours", "x2"
  double limit = 0, relaxed_limit = 0;
  bool feasible = false;   ///< false when the relaxed budget still has no run (not expected)
  double loss = NAN;       ///< the best loss with the constraint relaxed
  double loss_gained = NAN;  ///< the plan's loss minus that: what the relaxation buys
  std::optional<double> profit_gained_usd;  ///< maximize_profit
  double params = NAN, tokens = NAN;         ///< the re-solved run
  int gpus = 0;
};

/// Why the plan is what it is: what binds, in words, what relaxing each would buy, and the
/// spend against the budget.
struct Explanation {
  std::vector<std::string> reasons;  ///< one sentence per binding constraint
  std::vector<Marginal> marginals;
  std::string budget_field;          ///< "budget.usd"
  double spent = 0, limit = 0;       ///< in the budget's unit
};

/// One GPU type of a budget's list as the planner compared it (hardware.gpu as a list).
struct GpuAlternative {
  std::string gpu;
  bool chosen = false;
  bool has_run = false;
  double loss = NAN, usd = NAN, gpu_hours = NAN, wall_hours = NAN, params = NAN, tokens = NAN;
  std::optional<double> profit_usd;  ///< maximize_profit
  int gpus = 0;
  std::string precision, pricing;  ///< the plan's training precision and price kind
  double mfu = NAN;
  std::string unavailable;  ///< why no run, when has_run is false
};

/// With model.architectures listing both: the best run of the family not chosen (dense when an
/// MoE won, else the best MoE) at the same budget, what the choice is worth.
struct ArchitectureAlternative {
  std::string architecture;  ///< dense or moe
  int experts = 1;           ///< 1 for dense
  double loss = 0;
  double params = 0, tokens = 0;  ///< params: active, non-embedding
  int gpus = 0;
};

struct Plan {
  TrainingRun run;         ///< the recommended run: shape, layout, batch, hardware, price
  Evaluation evaluation;   ///< everything predicted about it (the same `check` computes)
  std::optional<LossInterval> loss_interval;
  double break_even_interruptions_per_hour = NAN;  ///< spot against on-demand; NaN if unknown
  std::string pricing_reason;        ///< why `cheapest` chose this price kind
  std::optional<RoiReport> roi;      ///< with objective minimize_cost or maximize_profit
  /// The loss the chosen run (same N, D and batch) reaches at each precision the budget lists
  /// and the GPU has: what the precision choice is worth (its quality factor q, precision.hpp).
  struct PrecisionLoss {
    Precision precision;
    double quality = 1, loss = 0;
  };
  std::vector<PrecisionLoss> loss_by_precision;
  /// data.sources with qualities: the pools, in the budget's order; the evaluation's `pools`
  /// says which the run keeps and how many tokens it draws from each.
  std::vector<DataPool> sources;
  std::optional<ArchitectureAlternative> alternative;
  std::vector<std::string> binding;  ///< constraints at their limit
  std::vector<std::string> warnings;
  std::string law_name, law_source;
  std::optional<Explanation> explanation;  ///< filled by `explain` (the plan command)
  /// Every GPU type of a budget that lists several, the chosen one marked (gpu_choice.hpp).
  std::vector<GpuAlternative> gpu_options;
};

/// The search for one discrete option: `search` in the tool, a brute-force reference in tests.
using Searcher = std::function<SizePoint(const SizeProblem&)>;

/// The serving model the budget's inference section describes (its GPU resolved).
ServingInputs serving_inputs(const Budget& budget);
/// Lifetime profit of a run evaluated with that serving model: queries x (value per query at
/// its loss - serving cost per query) - training cost.
double profit_usd(const Budget& budget, const Evaluation& evaluation);
/// What the budget's objective maximises for an evaluated run: -loss, the lifetime profit, or
/// -(training + lifetime serving dollars). The one order plan, compare and check rank runs by.
double objective_score(const Budget& budget, const Evaluation& evaluation);

/// The GPU as the budget's cluster sees it: the table's row with hardware.gpus_per_node and
/// hardware.scale_out_gbps applied.
Gpu cluster_gpu(const Budget& budget, const Gpu& gpu);

/// Plans the run; throws InfeasibleError (naming the constraints) when no run meets the budget
/// and InputError for budget fields that the table cannot serve (e.g. a price it lacks).
/// `layout` restricts the layouts considered (check uses it to re-plan on a run's own layout).
Plan make_plan(const Budget& budget, const Gpu& gpu, const Law& law,
               const Searcher& searcher = search, const LayoutRequest& layout = {});

/// The discrete choices a plan enumerates; absent, all the budget allows.
struct PlanScope {
  std::optional<std::vector<int>> gpu_counts;
  std::optional<Precision> precision;
  std::optional<Pricing> pricing;  ///< on_demand or spot
};

/// make_plan over a narrower set of choices (explain's re-solves).
Plan make_plan_within(const Budget& budget, const Gpu& gpu, const Law& law, const PlanScope& scope,
                      const Searcher& searcher = search, const LayoutRequest& layout = {});

/// The relaxation explain applies to each constraint it prices.
inline constexpr double kExplainBudgetFactor = 1.10;  ///< 10% more money, GPU-hours or FLOPs
inline constexpr double kExplainDeadlineHours = 24;   ///< one more day
inline constexpr double kExplainScaleFactor = 2;      ///< 2x GPUs, unique data, a model bound

/// Explains `plan` (made by make_plan from the same inputs): each binding constraint in words,
/// and the loss (or profit) relaxing it buys, from re-solving on the plan's precision and price
/// kind and the GPU counts next to its own (half, same, double: a 10% or one-day change does
/// not move the best count further; a test checks a re-solve against the full planner).
Explanation explain(const Budget& budget, const Gpu& gpu, const Law& law, const Plan& plan);

/// The layout and batch the planner would give a run of `shape` with these resources, at the
/// batch `hyperparameter_law` wants for `tokens`; nullopt when nothing fits.
std::optional<LayoutChoice> plan_layout(
    const Shape& shape, double params, double tokens, int seq_len, const Gpu& gpu, int gpus,
    Precision precision, const LayoutRequest& request,
    HyperparameterLaw hyperparameter_law = kDefaultHyperparameterLaw);

}  // namespace scaleplan
