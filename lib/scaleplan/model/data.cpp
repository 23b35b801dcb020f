#include "scaleplan/model/data.hpp"

#include <algorithm>
#include <cmath>

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

}  // namespace scaleplan
