#pragma once
/// What a model's answers are worth: value per query as a function of its loss (docs/economics.md).

#include <optional>
#include <utility>
#include <vector>

namespace scaleplan {

/// Gadre et al. 2024, Eq. 5: top-1 error averaged over 17 downstream tasks from C4-eval loss,
/// Err(L) = epsilon - k exp(-gamma L); App. F Table 6, C4: epsilon 0.850, k 2.08, gamma 0.756.
struct LossToError {
  double epsilon = 0.850, k = 2.08, gamma = 0.756;
};
double downstream_error(const LossToError& law, double loss);

struct Roi {
  std::optional<double> value_per_correct_answer_usd;  ///< with the loss-to-error law
  LossToError error_law;
  /// (loss, USD per query) points: interpolated linearly, clamped at the ends; the value must not
  /// rise with the loss.
  std::vector<std::pair<double, double>> value_table;
};

/// The share of answers above chance at `loss`: (epsilon - Err(L)) / epsilon = k exp(-gamma L) /
/// epsilon, clamped to [0, 1]. Err(inf) = epsilon is chance (Gadre et al. 2024, Eq. 5: the
/// error of a model that knows nothing), so a model at chance is worth nothing.
double above_chance_accuracy(const LossToError& law, double loss);

/// USD a query is worth at `loss`: value_per_correct_answer x the share above chance, or the
/// table.
double value_per_query(const Roi& roi, double loss);

}  // namespace scaleplan
