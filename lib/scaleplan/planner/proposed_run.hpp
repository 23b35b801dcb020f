#pragma once
/// A proposed training run for `scaleplan check` (docs/check.md): what the run file says, plus
/// the model/hardware/data context it is judged in.

#include <map>
#include <optional>
#include <string>

#include "scaleplan/model/recipe.hpp"
#include "scaleplan/planner/budget.hpp"
#include "scaleplan/planner/layout_search.hpp"

namespace scaleplan {

struct ProposedRun {
  double params = 0;           ///< from `params`, or the non-embedding count of `shape`
  std::optional<Shape> shape;  ///< when given
  double tokens = 0;
  std::optional<long long> batch_tokens;
  std::optional<double> learning_rate;
  std::optional<Schedule> schedule;
  Precision precision = Precision::kBf16;
  std::string gpu;
  int gpus = 0;
  Pricing pricing = Pricing::kOnDemand;  ///< on_demand or spot
  int seq_len = 4096;
  std::optional<double> expected_usd;
  LayoutRequest layout;  ///< the fields the file gives; the planner chooses the rest

  /// The model/hardware/data context, as a budget without an amount (kind/amount unused).
  Budget context;
  /// Line of each field in the file ("run.tokens" -> position), for annotations.
  std::map<std::string, SourcePos> positions;
  SourcePos position_of(const std::string& field) const;
};

}  // namespace scaleplan
