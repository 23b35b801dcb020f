#include "scaleplan/law.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

// Hoffmann et al. 2022, Eq. 2; Kaplan et al. 2020, Eq. 1.5.
double loss(const LawForm& form, double params, double tokens) {
  return std::visit(
      Overloaded{[&](const ChinchillaLaw& l) {
                   return l.e + l.a / std::pow(params, l.alpha) + l.b / std::pow(tokens, l.beta);
                 },
                 [&](const KaplanLaw& l) {
                   return std::pow(std::pow(l.n_c / params, l.alpha_n / l.alpha_d) + l.d_c / tokens,
                                   l.alpha_d);
                 }},
      form);
}

LogGradient loss_log_gradient(const LawForm& form, double params, double tokens) {
  return std::visit(
      Overloaded{[&](const ChinchillaLaw& l) {
                   return LogGradient{-l.alpha * l.a / std::pow(params, l.alpha),
                                      -l.beta * l.b / std::pow(tokens, l.beta)};
                 },
                 [&](const KaplanLaw& l) {
                   const double x = std::pow(l.n_c / params, l.alpha_n / l.alpha_d);
                   const double y = l.d_c / tokens;
                   const double outer = l.alpha_d * std::pow(x + y, l.alpha_d - 1);
                   return LogGradient{outer * x * -(l.alpha_n / l.alpha_d), outer * -y};
                 }},
      form);
}

// Hoffmann et al. 2022, Eq. 4 (C = 6 N D).
Allocation chinchilla_compute_optimal(const ChinchillaLaw& law, double flops) {
  const double sum = law.alpha + law.beta;
  const double g = std::pow(law.alpha * law.a / (law.beta * law.b), 1.0 / sum);
  const double params = g * std::pow(flops / 6.0, law.beta / sum);
  const double tokens = std::pow(flops / 6.0, law.alpha / sum) / g;
  return {params, tokens, loss(law, params, tokens)};
}

std::optional<LossInterval> loss_interval(const Law& law, double params, double tokens,
                                          double coverage) {
  if (law.samples.empty()) return std::nullopt;
  std::vector<double> losses;
  losses.reserve(law.samples.size());
  for (const LawForm& s : law.samples) losses.push_back(loss(s, params, tokens));
  std::sort(losses.begin(), losses.end());
  const auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(losses.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, losses.size() - 1);
    return losses[lo] + (pos - static_cast<double>(lo)) * (losses[hi] - losses[lo]);
  };
  const double tail = (1 - coverage) / 2;
  return LossInterval{quantile(tail), quantile(1 - tail)};
}

Extrapolation extrapolation(const FitRange& range, double params, double tokens) {
  const auto factor = [](double lo, double hi, double x) {
    if (lo <= 0 || hi <= 0) return 1.0;
    return std::max({1.0, x / hi, lo / x});
  };
  return {factor(range.params_min, range.params_max, params),
          factor(range.tokens_min, range.tokens_max, tokens)};
}

}  // namespace scaleplan
