#pragma once
/// Repeated data: Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", Sec. 3.1
/// (Eq. 5-6) and App. A. Repeated tokens and parameters beyond the compute-optimal size for the
/// unique data are worth less than fresh ones; these functions give the effective data D' and
/// effective parameters N' the Chinchilla form is evaluated at (DataConstrainedLaw).

#include "scaleplan/model/law.hpp"

namespace scaleplan {

/// Muennighoff et al. 2023, App. A (fitted on 182 C4 runs with the App. B base law fixed).
inline constexpr double kMuennighoffRdStar = 15.387756;  ///< R_D*: repeated-token half-life
inline constexpr double kMuennighoffRnStar = 5.309743;   ///< R_N*: excess-parameter decay

/// U_D = min(unique_tokens, tokens); unique_tokens <= 0 means every token is unique.
double unique_data(double tokens, double unique_tokens);

/// R_D = D / U_D - 1: how many times the unique data are repeated beyond the first epoch.
double data_repetitions(double tokens, double unique_tokens);

/// Effective data, Eq. 5: D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*)).
double effective_data(double tokens, double unique_tokens, double r_d_star = kMuennighoffRdStar);

/// N_opt(U_D): the compute-optimal model size, under `base` (Eq. 4), of the budget at which U_D
/// tokens are compute-optimal: N_opt = G (G U_D)^(beta/alpha), G as in Hoffmann et al. Eq. 4.
/// With App. B's base law it is 0.050987 U_D.
double optimal_params_for_data(const ChinchillaLaw& base, double unique_tokens);

/// U_N = min(N_opt(U_D), N): the parameters the unique data can use.
double unique_params(const ChinchillaLaw& base, double params, double unique_tokens);

/// R_N = max(N / U_N - 1, 0): excess parameters as a multiple of U_N.
double excess_params(double params, double unique_params);

/// Effective parameters, Eq. 6: N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*)).
double effective_params(const ChinchillaLaw& base, double params, double unique_tokens,
                        double r_n_star = kMuennighoffRnStar);

/// The data-constrained loss, L = E + A / N'^alpha + B / D'^beta (Muennighoff et al. Eq. 7 on
/// App. B's base). unique_tokens <= 0: every token unique (D' = D).
double data_constrained_loss(const DataConstrainedLaw& law, double params, double tokens,
                             double unique_tokens);

}  // namespace scaleplan
