#pragma once
/// The recommendation: the discrete choices enumerated, the continuous search run for each, and
/// the best run turned into a full recipe.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scaleplan/planner/budget.hpp"
#include "scaleplan/model/cost.hpp"
#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/model/recipe.hpp"
#include "scaleplan/planner/search.hpp"

namespace scaleplan {

/// Coverage of the predicted-loss interval reported when the law has bootstrap samples.
inline constexpr double kLossIntervalCoverage = 0.80;
/// Warn when the recommendation lies this many times beyond the law's fitted range.
inline constexpr double kExtrapolationWarningFactor = 10;

/// What spot capacity does to the chosen run (present when spot was considered).
struct SpotReport {
  double interruptions_expected = 0;
  double checkpoint_interval_minutes = 0;  ///< infinite without interruptions
  double lost_work_fraction = 0;
  double wall_hours_p90 = 0;
  double break_even_interruptions_per_hour = 0;  ///< NaN when one of the prices is unknown
};

/// The economics of the chosen run, for objectives beyond the loss.
struct RoiReport {
  std::string objective;
  double value_usd = 0;      ///< value of one query at the predicted loss
  double profit_usd = 0;     ///< lifetime queries x (value - serving cost) - training cost
  double training_usd = 0, inference_usd = 0;
  /// maximize_profit: the loss-minimizing run under the same budget, for comparison.
  std::optional<double> loss_min_params, loss_min_tokens, loss_min_loss, loss_min_profit_usd;
};

struct Plan {
  // The recommendation.
  double params = 0, tokens = 0;
  Precision precision = Precision::kBf16;
  std::string gpu;
  int gpus = 0;
  Pricing pricing = Pricing::kOnDemand;  ///< on_demand or spot (never cheapest)
  double usd_per_gpu_hour = 0;
  double mfu = 0;
  Shape shape;
  Recipe recipe;

  // Predictions.
  double loss = 0;
  double loss_at_shape = 0;
  std::optional<LossInterval> loss_interval;

  TrainingCost cost;  ///< expected figures (spot: with interruptions)
  std::optional<SpotReport> spot;
  std::string pricing_reason;  ///< why `cheapest` chose this price kind
  std::optional<Serving> inference;  ///< with an inference: section
  std::optional<RoiReport> roi;      ///< with objective minimize_cost or maximize_profit
  double memory_gb_per_gpu = 0;
  std::vector<std::string> binding;
  std::vector<std::string> warnings;
  std::string law_name, law_source;
};

/// The continuous search run for each discrete option: `search` in the tool, a brute-force
/// reference in tests.
using Searcher = std::function<SearchResult(const SearchProblem&)>;

/// Plans the run; throws InfeasibleError (naming the constraints) when no run meets the budget
/// and InputError for budget fields that the table cannot serve (e.g. a price it lacks).
Plan make_plan(const Budget& budget, const Gpu& gpu, const Law& law,
               const Searcher& searcher = search);

}  // namespace scaleplan
