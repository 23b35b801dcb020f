#include "scaleplan/planner/frontier.hpp"

#include <cmath>

#include "scaleplan/planner/gpu_choice.hpp"

namespace scaleplan {

std::vector<FrontierRow> frontier(const Budget& base, BudgetKind kind, double lo, double hi,
                                  int points, const std::vector<const Gpu*>& gpus,
                                  const Law& law) {
  std::vector<FrontierRow> rows;
  for (int i = 0; i < points; ++i) {
    const double t = points == 1 ? 0 : static_cast<double>(i) / (points - 1);
    Budget b = base;
    b.kind = kind;
    // Log-spaced; the ends are exactly lo and hi (exp/log would print 10000.00000000001).
    b.amount = i == points - 1 && points > 1 ? hi : lo * std::pow(hi / lo, t);
    FrontierRow row{b.amount, std::nullopt};
    try {
      row.plan = make_plan_over_gpus(b, gpus, law);
    } catch (const InfeasibleError&) {
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<IsoflopPoint> isoflop(const LawForm& law, double flops, int points, double range) {
  const Allocation opt = compute_optimal(law, flops);
  std::vector<IsoflopPoint> out;
  for (int i = 0; i < points; ++i) {
    const double t = points == 1 ? 0.5 : static_cast<double>(i) / (points - 1);
    const double n = opt.params * std::pow(range, 2 * t - 1);
    const double d = flops / (6 * n);
    out.push_back({n, d, loss(law, n, d)});
  }
  return out;
}

}  // namespace scaleplan
