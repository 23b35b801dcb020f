#pragma once
/// Fitting a scaling law to training runs: Hoffmann et al. 2022 Approach 3 (Huber loss on log
/// loss, L-BFGS from a grid of initialisations) for the Chinchilla form and its relatives
/// (equal exponents, Gadre et al. 2024, joint fits across data sets), Kaplan's form, loss against
/// compute, Muennighoff et al. 2023's data-constrained form; the bootstrap; diagnostics.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scaleplan/model/law.hpp"

namespace scaleplan {

enum class FitForm {
  kChinchilla,     ///< E + A/N^alpha + B/D^beta (Hoffmann et al. 2022, Eq. 2)
  kKaplan,         ///< Kaplan et al. 2020, Eq. 1.5
  kEqualExponent,  ///< the Chinchilla form with alpha = beta
  kGadre,          ///< Gadre et al. 2024, Eq. 4 (= equal exponents, reported as E, a, b, eta)
  kCompute,        ///< E + A/C^alpha (loss against compute)
  kMuennighoff,    ///< Muennighoff et al. 2023: equal-exponent base + R_D*, R_N*
};

/// Which parameters a joint fit (`--joint`) gives each group its own value of; the exponents
/// are always shared (Nezhurina et al. 2025 compare data sets this way).
struct JointParams {
  bool e = true, a = false, b = false;
};

/// One observation, in logs. `run` groups the checkpoints of one training run (the bootstrap
/// resamples runs, not rows); `group` is the joint-fit group.
struct FitPoint {
  double log_params = 0, log_tokens = 0, log_loss = 0;
  double weight = 1;
  int run = 0;
  int group = 0;
  double log_flops = 0;      ///< log C: the compute form fits against it
  double unique_tokens = 0;  ///< U_D for muennighoff2023; 0: every token unique
};

struct FitOptions {
  FitForm form = FitForm::kChinchilla;
  double huber_delta = 1e-3;  ///< Hoffmann et al. 2022, Sec. 3.3 / App. D.2
  double exponent_max = 2;    ///< exponents are bounded to [0, exponent_max] (Kaplan: > 0)
  int threads = 2;
  int groups = 1;  ///< joint-fit groups (points carry group 0..groups-1)
  JointParams joint;
  /// Above this many points, every start is first run on an evenly spaced subsample of this
  /// many points, and only the best distinct end points (up to kRefinedStarts) are refined on
  /// all of them. At or below it, every start runs on every point (Hoffmann's method exactly).
  int screen_points = 1024;
  bool all_starts = false;  ///< run every start on every point, whatever the size
  bool diagnostics = true;  ///< compute the Hessian condition (bootstrap refits skip it)
  /// Called with (starts done, starts in all) as starts finish, from worker threads.
  std::function<void(int, int)> progress;
};

/// End points refined on all the data after the subsample screening.
inline constexpr int kRefinedStarts = 8;

struct FitResult {
  LawForm law;                      ///< the fitted law (of group 0 in a joint fit)
  std::vector<LawForm> group_laws;  ///< one per group (shared exponents)
  std::vector<double> x;            ///< the optimiser's parameter vector (restarts use it)
  double objective = 0;    ///< sum of weighted Huber losses at the optimum (weights of mean 1)
  int starts = 0;          ///< initialisations tried
  int starts_at_best = 0;  ///< of which ended within 1e-6 (relative) of the best objective
  int screen_points = 0;   ///< points of the screening subsample (0: every start ran on all)
  int refined = 0;         ///< end points refined on all the points after screening
  std::vector<std::string> at_bound;    ///< parameters that ended on a bound
  std::vector<std::string> near_bound;  ///< within 0.01 of a bound (not on it)
  /// Condition number of the objective's Hessian at the optimum, over the parameters off their
  /// bounds (finite differences of the analytic gradient); 0 when not positive definite.
  double hessian_condition = 0;
  std::string failure;  ///< non-empty when no start gave a finite objective
};

/// The number of parameters a fit with these options estimates (all groups together).
int fit_parameter_count(const FitOptions& options);

/// Huber_delta(r): r^2/2 for |r| <= delta, else delta (|r| - delta/2) (Huber 1964).
double huber(double r, double delta);

/// The objective sum_i w_i Huber(log L_hat_i - log L_i) at `law` (Hoffmann et al. 2022, Eq. 9
/// in App. D.2, for the Chinchilla form: log L_hat = LSE(a - alpha log N, b - beta log D, e)).
/// Weights are used as given. Single-group forms.
double fit_objective(const std::vector<FitPoint>& points, const FitOptions& options,
                     const LawForm& law);

/// The grid of initialisations: Chinchilla (Besiroglu et al. 2024, following Hoffmann et al.)
/// alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25}: 4,500
/// points; equal exponents / gadre2024 / muennighoff2023 the 900 of them with alpha = beta;
/// Kaplan log N_c, log D_c in {20, 25, 30, 35}, alpha_N, alpha_D in {0.05, 0.1, 0.2, 0.4};
/// compute alpha in {0, 0.05, 0.1, 0.2, 0.4, 0.8}, a in {0, 5, ..., 40}, e in {-1, ..., 1}.
std::vector<LawForm> initial_grid(FitForm form);

/// L-BFGS (NLopt, analytic gradient) from every start (see FitOptions::screen_points for large
/// inputs); the best fit wins. Weights are normalised to mean 1 first, so a common weight
/// changes nothing. muennighoff2023 fits in Muennighoff et al.'s two stages: the base on the
/// single-epoch points, then R_D* and R_N* with the base fixed.
FitResult fit_law(const std::vector<FitPoint>& points, const FitOptions& options,
                  const std::vector<LawForm>& starts);

/// Bootstrap: `samples` refits on runs drawn with replacement, each started from the full-data
/// optimum `start`. Deterministic for a given seed whatever the thread count. Returns each
/// sample's laws, one per group. `progress` (may be empty) is called with the count done, from
/// worker threads: it must be thread-safe.
std::vector<std::vector<LawForm>> bootstrap_fits(const std::vector<FitPoint>& points,
                                                 const FitOptions& options, const FitResult& start,
                                                 int samples, std::uint64_t seed,
                                                 const std::function<void(int)>& progress);

/// Percentile of `values` (q in [0, 1], linear interpolation); values need not be sorted.
double percentile(std::vector<double> values, double q);

}  // namespace scaleplan
