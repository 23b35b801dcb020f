#pragma once
/// Fitting a scaling law to training runs: Hoffmann et al. 2022 Approach 3 (Huber loss on log
/// loss, L-BFGS from a grid of initialisations), its Kaplan-form analogue, and the bootstrap.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scaleplan/model/law.hpp"

namespace scaleplan {

enum class FitForm { kChinchilla, kKaplan };

/// One observation, in logs. `run` groups the checkpoints of one training run (the bootstrap
/// resamples runs, not rows).
struct FitPoint {
  double log_params = 0, log_tokens = 0, log_loss = 0;
  double weight = 1;
  int run = 0;
};

struct FitOptions {
  FitForm form = FitForm::kChinchilla;
  double huber_delta = 1e-3;  ///< Hoffmann et al. 2022, Sec. 3.3 / App. D.2
  double exponent_max = 2;    ///< exponents are bounded to [0, exponent_max] (Kaplan: > 0)
  int threads = 2;
};

struct FitResult {
  LawForm law;
  double objective = 0;   ///< sum of weighted Huber losses at the optimum
  int starts = 0;         ///< initialisations tried
  int starts_at_best = 0; ///< of which ended within 1e-6 (relative) of the best objective
  std::vector<std::string> at_bound;  ///< parameters that ended on a bound
};

/// Huber_delta(r): r^2/2 for |r| <= delta, else delta (|r| - delta/2) (Huber 1964).
double huber(double r, double delta);

/// The objective sum_i w_i Huber(LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i)
/// (Hoffmann et al. 2022, Eq. 9 in App. D.2) at `law`.
double fit_objective(const std::vector<FitPoint>& points, const FitOptions& options,
                     const LawForm& law);

/// The grid of initialisations: Chinchilla (Besiroglu et al. 2024, following Hoffmann et al.)
/// alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25}: 4,500
/// points; Kaplan log N_c, log D_c in {20, 25, 30, 35}, alpha_N, alpha_D in {0.05, 0.1, 0.2, 0.4}.
std::vector<LawForm> initial_grid(FitForm form);

/// L-BFGS (NLopt, analytic gradient) from every start; the best fit wins.
FitResult fit_law(const std::vector<FitPoint>& points, const FitOptions& options,
                  const std::vector<LawForm>& starts);

/// Bootstrap: `samples` refits on runs drawn with replacement, each started from `start` (the
/// full-data optimum). Deterministic for a given seed whatever the thread count. `progress`
/// (may be empty) is called with the count done, from worker threads: it must be thread-safe.
std::vector<LawForm> bootstrap_fits(const std::vector<FitPoint>& points, const FitOptions& options,
                                    const LawForm& start, int samples, std::uint64_t seed,
                                    const std::function<void(int)>& progress);

/// Percentile of `values` (q in [0, 1], linear interpolation); values need not be sorted.
double percentile(std::vector<double> values, double q);

}  // namespace scaleplan
