#pragma once
/// Data pools of different quality: Goyal et al. 2024, "Scaling Laws for Data Filtering — Data
/// Curation cannot be Compute Agnostic" (equations unverified against the paper's text,
/// shared/REFERENCES.md). Each pool has its own scaling parameter b (the exponent of the data
/// term while its tokens are fresh) and a repetition half-life tau: in its k-th repetition a
/// pool's exponent is b 0.5^(k / tau). Mixing pools averages their exponents, each at its own
/// repetition count, so a pool seen by 1/p of the draws repeats p times slower.

#include <cstddef>
#include <string>
#include <vector>

namespace scaleplan {

/// One pool (data.sources[i]). quality = Goyal's b (< 0; the law's own data: -beta),
/// half_life_epochs = tau. Both are the user's measurement: Goyal et al.'s constants are for
/// CLIP pools, so none ship for text.
struct DataPool {
  std::string name;
  double unique_tokens = 0;
  double quality = 0;
  double half_life_epochs = 0;
};

/// The most pools a budget may list (the planner tries every subset of them).
inline constexpr std::size_t kMaxDataPools = 4;
/// The longest half-life a pool may give, in epochs (the sum over epochs runs about 30 tau).
inline constexpr double kMaxHalfLifeEpochs = 100;

/// The integral of the exponent's decay over ln n for a pool whose kept tokens are drawn from a
/// union of `union_tokens`: epoch k covers n in [k U, (k + 1) U] and weighs 0.5^(k / tau), so
/// S = ln min(D, U) + sum_{k >= 1, k U < D} 0.5^(k / tau) ln(min(D, (k + 1) U) / (k U)) (Goyal et
/// al.'s piecewise power law, anchored at n = 1 token). Fresh data (D <= U): S = ln D.
double repeated_log_tokens(double tokens, double union_tokens, double half_life_epochs);

/// Which pools a run keeps and what their data term is.
struct PoolMix {
  std::vector<bool> kept;          ///< per pool, in the budget's order
  std::vector<double> tokens;      ///< drawn from each pool (0 when not kept)
  double union_tokens = 0;         ///< unique tokens of the kept pools
  double epochs = 0;               ///< D / union_tokens: every kept pool's repetitions
  double exponent = 0;             ///< sum_i (U_i / U) b_i: the mix's fresh-data exponent
  double data_term = 0;            ///< B exp(sum_i (U_i / U) b_i S_i(D))
};

/// The data term of drawing `tokens` from the pools `kept` marks, each token of their union
/// equally often (pool i's share U_i / U): T = B exp(sum_i (U_i / U) b_i S(D; U, tau_i)), which
/// for one pool with b = -beta and D <= U is the Chinchilla form's B / D^beta.
PoolMix pool_mix(double b_coefficient, const std::vector<DataPool>& pools,
                 const std::vector<bool>& kept, double tokens);

/// The filter with the smallest data term for `tokens`: every non-empty subset of the pools
/// tried (how aggressively to filter depends on the compute, Goyal et al.'s thesis), so adding
/// a pool never makes the best term worse.
PoolMix best_pool_mix(double b_coefficient, const std::vector<DataPool>& pools, double tokens);

}  // namespace scaleplan
