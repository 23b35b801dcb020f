#pragma once
/// Scaling laws L(N, D): predicted test loss (nats per token) of a model with N parameters
/// trained on D tokens.

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace scaleplan {

/// Chinchilla parametric form, Hoffmann et al. 2022, Sec. 3.3 (Eq. 2):
/// L(N, D) = E + A / N^alpha + B / D^beta.
struct ChinchillaLaw {
  double e = 0, a = 0, b = 0, alpha = 0, beta = 0;
};

/// Kaplan et al. 2020, Eq. 1.5 (= 4.1): L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D.
struct KaplanLaw {
  double n_c = 0, d_c = 0, alpha_n = 0, alpha_d = 0;
};

using LawForm = std::variant<ChinchillaLaw, KaplanLaw>;

/// Range of model sizes and token counts a law was fitted on (for extrapolation warnings).
struct FitRange {
  double params_min = 0, params_max = 0, tokens_min = 0, tokens_max = 0;
};

/// A law with its provenance. `samples` are bootstrap parameter vectors of the same form (empty
/// for the literature presets); they give the predicted-loss interval.
struct Law {
  std::string name;
  std::string source;
  LawForm form;
  FitRange range;
  std::vector<LawForm> samples;
};

/// Predicted loss of the form at N params and D tokens.
double loss(const LawForm& form, double params, double tokens);
inline double loss(const Law& law, double params, double tokens) {
  return loss(law.form, params, tokens);
}

/// Gradient of the loss with respect to (log N, log D).
struct LogGradient {
  double d_log_params = 0, d_log_tokens = 0;
};
LogGradient loss_log_gradient(const LawForm& form, double params, double tokens);

/// Compute-optimal allocation under C = 6 N D, closed form for the Chinchilla form
/// (Hoffmann et al. 2022, Eq. 4): N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b,
/// G = (alpha A / (beta B))^(1/(alpha+beta)), a = beta/(alpha+beta), b = alpha/(alpha+beta).
struct Allocation {
  double params = 0, tokens = 0, loss = 0;
};
Allocation chinchilla_compute_optimal(const ChinchillaLaw& law, double flops);
/// Any form: the closed form for Chinchilla, else a golden-section search over log N with
/// D = C / (6 N).
Allocation compute_optimal(const LawForm& form, double flops);

/// Quantiles (q in [0,1]) of the loss predicted by the bootstrap samples; nullopt without samples.
struct LossInterval {
  double low = 0, high = 0;
};
std::optional<LossInterval> loss_interval(const Law& law, double params, double tokens,
                                          double coverage);

/// Factors by which (params, tokens) lie outside the fitted range (1 when inside).
struct Extrapolation {
  double params_factor = 1, tokens_factor = 1;
};
Extrapolation extrapolation(const FitRange& range, double params, double tokens);

}  // namespace scaleplan
