#include "scaleplan/model/inference_aware.hpp"

#include <cmath>

namespace scaleplan {

std::optional<double> tokens_for_loss(const ChinchillaLaw& law, double params, double target) {
  const double room = target - law.e - law.a / std::pow(params, law.alpha);
  if (room <= 0) return std::nullopt;
  return std::pow(law.b / room, 1 / law.beta);
}

std::optional<LifetimeOptimum> lifetime_optimum(
    const ChinchillaLaw& law, double target, const std::function<double(double, double)>& cost) {
  if (target <= law.e) return std::nullopt;
  // N must exceed the size whose A/N^alpha term alone uses up the target: the asymptote.
  const double n_min = std::pow(law.a / (target - law.e), 1 / law.alpha) * (1 + 1e-9);
  const auto total = [&](double log_n) {
    const double n = std::exp(log_n);
    const auto d = tokens_for_loss(law, n, target);
    return d ? cost(n, *d) : INFINITY;
  };
  double lo = std::log(n_min), hi = std::log(n_min) + std::log(1e6);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 300 && hi - lo > 1e-12; ++i) {
    const double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    if (total(x1) < total(x2)) hi = x2;
    else lo = x1;
  }
  LifetimeOptimum o;
  o.params = std::exp((lo + hi) / 2);
  o.tokens = *tokens_for_loss(law, o.params, target);
  o.total = cost(o.params, o.tokens);
  return o;
}

// Sardana & Frankle 2023, Sec. 2: training 6 N D_tr, inference 2 N D_inf FLOPs.
std::optional<LifetimeOptimum> lifetime_flops_optimum(const ChinchillaLaw& law, double target,
                                                      double inference_tokens) {
  const auto with_inference = [&](double n, double d) { return 6 * n * d + 2 * n * inference_tokens; };
  auto best = lifetime_optimum(law, target, with_inference);
  const auto training_only =
      lifetime_optimum(law, target, [](double n, double d) { return 6 * n * d; });
  if (!best || !training_only) return std::nullopt;
  best->chinchilla_params = training_only->params;
  best->chinchilla_tokens = training_only->tokens;
  best->chinchilla_total = with_inference(training_only->params, training_only->tokens);
  best->saving = 1 - best->total / best->chinchilla_total;
  return best;
}

double quality_of_size(const ChinchillaLaw& law, double params) {
  // Invert Hoffmann et al. Eq. 4: N_opt = G (C/6)^a gives C/6 = (N/G)^(1/a), D = G^-1 (C/6)^b.
  const double sum = law.alpha + law.beta;
  const double g = std::pow(law.alpha * law.a / (law.beta * law.b), 1 / sum);
  const double c6 = std::pow(params / g, sum / law.beta);
  const double tokens = std::pow(c6, law.alpha / sum) / g;
  return loss(law, params, tokens);
}

}  // namespace scaleplan
