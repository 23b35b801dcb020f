#pragma once
/// Repeated data: Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", Sec. 3.1
/// (Eq. 5-6) and App. A. Repeated tokens and parameters beyond the compute-optimal size for the
/// unique data are worth less than fresh ones; these functions give the effective data D' and
/// effective parameters N' the Chinchilla form is evaluated at (DataConstrainedLaw).

#include <optional>

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
/// tokens are compute-optimal: N_opt = G (G U_D)^(beta/alpha), G as in Hoffmann et al. Eq. 4
/// (Muennighoff et al. 2023, App. A Eq. 15). With App. B's base law it is 0.050987 U_D.
double optimal_params_for_data(const ChinchillaLaw& base, double unique_tokens);
/// The same for any form of N and D: the Chinchilla form's closed form where there is one;
/// Kaplan et al.'s Eq. 1.5 under C = 6 N D has its optimum where D_c / D = p (N_c / N)^p,
/// p = alpha_N / alpha_D, so N_opt = N_c (p D / D_c)^(1/p); NaN for other forms.
double optimal_params_for_data(const LawForm& form, double unique_tokens);

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

/// What repeated data and excess parameters make of a run under a law (Muennighoff et al. 2023,
/// Eq. 5-6 and 15). A data-constrained law (muennighoff2023) always applies them with its own
/// R_D*, R_N* (every token unique without a unique-token count). Any other form of N and D
/// applies them only when the data are limited (unique_tokens > 0), with App. A's R_D* and R_N*
/// and U_N = min(N_opt(U), N) under that law itself, U the unique tokens available (the law
/// already prices a model larger than N_opt(D) on fresh data): an assumption (the decay
/// constants were fitted with App. B's C4 base law, docs/models.md). Other forms: nothing.
struct DataTerms {
  bool applies = false;
  double unique_tokens = 0;     ///< U_D = min(unique tokens, D)
  double epochs = 1;            ///< D / unique tokens (below 1: not all used); 1 without a count
  double unique_params = 0;     ///< U_N = min(N_opt(U_D), N); other laws min(N_opt(U), N)
  double effective_tokens = 0;  ///< D' (Eq. 5); D when nothing applies
  double effective_params = 0;  ///< N' (Eq. 6); N when nothing applies
  double r_d_star = 0, r_n_star = 0;
};
DataTerms data_terms(const LawForm& form, double params, double tokens, double unique_tokens);

/// The loss of the form's base law at N and D taken as they are: the data-constrained law's
/// Chinchilla base, every other form itself. With data_terms: base_loss(form, N', D').
double base_loss(const LawForm& form, double params, double tokens);

/// The tokens D whose effective data D' (Eq. 5) is `effective_tokens` with `unique_tokens`
/// unique (D = D' up to one epoch; R_D = -R_D* ln(1 - (D'/U - 1) / R_D*) beyond); nullopt
/// when D' is at or past the plateau U (1 + R_D*) that no amount of repetition reaches.
std::optional<double> tokens_for_effective_data(double effective_tokens, double unique_tokens,
                                                double r_d_star);

}  // namespace scaleplan
