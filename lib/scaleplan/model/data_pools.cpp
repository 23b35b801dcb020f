#include "scaleplan/model/data_pools.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

// Goyal et al. 2024 (equations unverified): y_k(n) = y_k(k U) (n / (k U))^(b_k),
// b_k = b 0.5^(k / tau), summed in log space over the epochs a run of D tokens reaches.
double repeated_log_tokens(double tokens, double union_tokens, double tau) {
  if (tokens <= 1) return 0;
  if (tokens <= union_tokens) return std::log(tokens);
  double s = std::log(std::max(union_tokens, 1.0));
  // Epoch k weighs r^k, r = 0.5^(1 / tau); the epochs left after K add at most
  // r^K / (K (1 - r)) (ln(1 + 1/k) <= 1/k): stop once that is below 1e-12.
  const double r = std::pow(0.5, 1 / tau);
  double weight = 1;
  for (double k = 1;; ++k) {
    const double start = k * union_tokens;
    if (start >= tokens) break;
    weight *= r;
    s += weight * std::log(std::min(tokens, start + union_tokens) / start);
    if (weight / (k * (1 - r)) < 1e-12) break;
  }
  return s;
}

PoolMix pool_mix(double b_coefficient, const std::vector<DataPool>& pools,
                 const std::vector<bool>& kept, double tokens) {
  PoolMix m;
  m.kept = kept;
  m.tokens.assign(pools.size(), 0);
  for (std::size_t i = 0; i < pools.size(); ++i)
    if (kept[i]) m.union_tokens += pools[i].unique_tokens;
  double log_term = 0;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (!kept[i]) continue;
    const double share = pools[i].unique_tokens / m.union_tokens;
    m.tokens[i] = share * tokens;
    m.exponent += share * pools[i].quality;
    log_term += share * pools[i].quality *
                repeated_log_tokens(tokens, m.union_tokens, pools[i].half_life_epochs);
  }
  m.epochs = tokens / m.union_tokens;
  m.data_term = b_coefficient * std::exp(log_term);
  return m;
}

PoolMix best_pool_mix(double b_coefficient, const std::vector<DataPool>& pools, double tokens) {
  PoolMix best;
  const std::size_t n = pools.size();
  for (std::size_t subset = 1; subset < (std::size_t{1} << n); ++subset) {
    std::vector<bool> kept(n);
    for (std::size_t i = 0; i < n; ++i) kept[i] = (subset >> i) & 1;
    PoolMix m = pool_mix(b_coefficient, pools, kept, tokens);
    if (best.kept.empty() || m.data_term < best.data_term) best = std::move(m);
  }
  return best;
}

}  // namespace scaleplan
