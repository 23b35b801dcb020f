#pragma once
/// Curves for people: the best run at each budget (`frontier`) and loss against model size at
/// fixed compute (`isoflop`, the picture of Hoffmann et al. 2022, Fig. 3).

#include <optional>
#include <vector>

#include "scaleplan/planner/budget.hpp"
#include "scaleplan/planner/plan.hpp"

namespace scaleplan {

struct FrontierRow {
  double amount = 0;         ///< the budget, in the unit of its kind
  std::optional<Plan> plan;  ///< empty when no run meets this budget
};

/// `points` budgets log-spaced over [lo, hi] of `kind`, the rest of `base` unchanged, each
/// planned exactly as `plan` would (on the best of `gpus` when the budget lists several).
std::vector<FrontierRow> frontier(const Budget& base, BudgetKind kind, double lo, double hi,
                                  int points, const std::vector<const Gpu*>& gpus,
                                  const Law& law);

struct IsoflopPoint {
  double params = 0, tokens = 0, loss = 0;
};

/// Loss against N at fixed C = 6 N D, `points` sizes log-spaced over [N_opt/range, N_opt*range].
std::vector<IsoflopPoint> isoflop(const LawForm& law, double flops, int points, double range);

}  // namespace scaleplan
