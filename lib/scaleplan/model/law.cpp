#include "scaleplan/model/law.hpp"

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

Allocation compute_optimal(const LawForm& form, double flops) {
  if (const auto* c = std::get_if<ChinchillaLaw>(&form)) return chinchilla_compute_optimal(*c, flops);
  const auto at = [&](double log_n) {
    const double n = std::exp(log_n);
    return loss(form, n, flops / (6 * n));
  };
  double lo = std::log(1e3), hi = std::log(std::max(1e4, std::sqrt(flops / 6) * 1e3));
  const double phi = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 200 && hi - lo > 1e-10; ++i) {
    const double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    (at(x1) < at(x2) ? hi : lo) = at(x1) < at(x2) ? x2 : x1;
  }
  const double n = std::exp((lo + hi) / 2);
  return {n, flops / (6 * n), loss(form, n, flops / (6 * n))};
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
