#include "scaleplan/model/roi.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

// Gadre et al. 2024, Eq. 5.
double downstream_error(const LossToError& law, double loss) {
  return law.epsilon - law.k * std::exp(-law.gamma * loss);
}

// Gadre et al. 2024, Eq. 5, read from chance: epsilon is the error at infinite loss.
double above_chance_accuracy(const LossToError& law, double loss) {
  if (!(law.epsilon > 0)) return 0;
  return std::clamp((law.epsilon - downstream_error(law, loss)) / law.epsilon, 0.0, 1.0);
}

double value_per_query(const Roi& roi, double loss) {
  if (roi.value_table.empty())
    return roi.value_per_correct_answer_usd.value_or(0) *
           above_chance_accuracy(roi.error_law, loss);
  auto table = roi.value_table;
  std::sort(table.begin(), table.end());
  if (loss <= table.front().first) return table.front().second;
  if (loss >= table.back().first) return table.back().second;
  const auto hi = std::upper_bound(table.begin(), table.end(), std::make_pair(loss, -HUGE_VAL));
  const auto lo = hi - 1;
  const double t = (loss - lo->first) / (hi->first - lo->first);
  return lo->second + t * (hi->second - lo->second);
}

}  // namespace scaleplan
