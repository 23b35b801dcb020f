#include "scaleplan/model/data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace scaleplan {

double unique_data(double tokens, double unique_tokens) {
  return unique_tokens > 0 ? std::min(unique_tokens, tokens) : tokens;
}

double data_repetitions(double tokens, double unique_tokens) {
  return std::max(tokens / unique_data(tokens, unique_tokens) - 1, 0.0);
}

// Muennighoff et al. 2023, Eq. 5.
double effective_data(double tokens, double unique_tokens, double r_d_star) {
  const double u = unique_data(tokens, unique_tokens);
  const double r = data_repetitions(tokens, unique_tokens);
  return u + u * r_d_star * -std::expm1(-r / r_d_star);
}

// Hoffmann et al. 2022, Eq. 4 solved for the budget where D_opt = U_D: (C/6) = (G U_D)^(1/b),
// N_opt = G (C/6)^a with a/b = beta/alpha (datablations' D_to_N).
double optimal_params_for_data(const ChinchillaLaw& base, double unique_tokens) {
  const double g =
      std::pow(base.alpha * base.a / (base.beta * base.b), 1 / (base.alpha + base.beta));
  return g * std::pow(g * unique_tokens, base.beta / base.alpha);
}

// Muennighoff et al. 2023, Eq. 15 on the law's own compute-optimal allocation.
double optimal_params_for_data(const LawForm& form, double unique_tokens) {
  if (const auto* k = std::get_if<KaplanLaw>(&form)) {
    const double p = k->alpha_n / k->alpha_d;
    return k->n_c * std::pow(p * unique_tokens / k->d_c, 1 / p);
  }
  if (const auto c = as_chinchilla(form)) return optimal_params_for_data(*c, unique_tokens);
  return std::numeric_limits<double>::quiet_NaN();
}

double unique_params(const ChinchillaLaw& base, double params, double unique_tokens) {
  return std::min(optimal_params_for_data(base, unique_tokens), params);
}

double excess_params(double params, double unique_params) {
  return std::max(params / unique_params - 1, 0.0);
}

// Muennighoff et al. 2023, Eq. 6.
double effective_params(const ChinchillaLaw& base, double params, double unique_tokens,
                        double r_n_star) {
  const double u = unique_params(base, params, unique_tokens);
  const double r = excess_params(params, u);
  return u + u * r_n_star * -std::expm1(-r / r_n_star);
}

double data_constrained_loss(const DataConstrainedLaw& law, double params, double tokens,
                             double unique_tokens) {
  const double u_d = unique_data(tokens, unique_tokens);
  const double n = effective_params(law.base, params, u_d, law.r_n_star);
  const double d = effective_data(tokens, u_d, law.r_d_star);
  return law.base.e + law.base.a / std::pow(n, law.base.alpha) +
         law.base.b / std::pow(d, law.base.beta);
}

DataTerms data_terms(const LawForm& form, double params, double tokens, double unique_tokens) {
  DataTerms t;
  t.effective_tokens = tokens;
  t.effective_params = params;
  t.unique_tokens = tokens;
  t.unique_params = params;
  const auto* constrained = std::get_if<DataConstrainedLaw>(&form);
  if (!constrained && (unique_tokens <= 0 || !is_params_tokens_law(form))) return t;
  t.applies = true;
  t.r_d_star = constrained ? constrained->r_d_star : kMuennighoffRdStar;
  t.r_n_star = constrained ? constrained->r_n_star : kMuennighoffRnStar;
  t.unique_tokens = unique_data(tokens, unique_tokens);
  t.epochs = unique_tokens > 0 ? tokens / unique_tokens : 1;
  t.effective_tokens = effective_data(tokens, t.unique_tokens, t.r_d_star);
  // Muennighoff's law charges parameters beyond N_opt(U_D), U_D = min(U, D) (Eq. 15), even on
  // one epoch. A law fitted on single-epoch runs on both sides of its optimum already prices a
  // model larger than N_opt(D) on fresh data, so for it the excess is what the whole unique
  // data cannot support: beyond N_opt(U).
  const double supported = constrained ? t.unique_tokens : unique_tokens;
  t.unique_params = std::min(optimal_params_for_data(form, supported), params);
  const double r = excess_params(params, t.unique_params);
  t.effective_params =
      t.unique_params + t.unique_params * t.r_n_star * -std::expm1(-r / t.r_n_star);
  return t;
}

double base_loss(const LawForm& form, double params, double tokens) {
  if (const auto* d = std::get_if<DataConstrainedLaw>(&form)) return loss(d->base, params, tokens);
  return loss(form, params, tokens);
}

// Eq. 5 solved for R_D.
std::optional<double> tokens_for_effective_data(double effective_tokens, double unique_tokens,
                                                double r_d_star) {
  if (effective_tokens <= unique_tokens) return effective_tokens;
  const double excess = (effective_tokens / unique_tokens - 1) / r_d_star;
  if (excess >= 1) return std::nullopt;
  return unique_tokens * (1 - r_d_star * std::log1p(-excess));
}

}  // namespace scaleplan
