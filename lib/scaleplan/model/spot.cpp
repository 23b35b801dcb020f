#include "scaleplan/model/spot.hpp"

#include <algorithm>
#include <cmath>

#include "scaleplan/model/memory.hpp"

namespace scaleplan {

double expected_wall_multiplier(double tau, double delta, double restart, double mtbi) {
  return mtbi * std::exp(restart / mtbi) * std::expm1((tau + delta) / mtbi) / tau;
}

double optimal_checkpoint_interval(double delta, double mtbi) {
  // d/dtau of (e^((tau+delta)/M) - 1) / tau vanishes where g(tau) = e^((tau+delta)/M) (tau/M - 1)
  // + 1 = 0; g rises in tau, g(0) = 1 - e^(delta/M) < 0 and g(M) = 1 > 0: bisect (0, M).
  const auto g = [&](double tau) { return std::exp((tau + delta) / mtbi) * (tau / mtbi - 1) + 1; };
  double lo = 0, hi = mtbi;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (g(mid) < 0 ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// Daly 2006's renewal model with the interval optimised numerically.
SpotEffect spot_effect(const SpotInputs& in, double params, int gpus) {
  SpotEffect e;
  const double instances = std::ceil(static_cast<double>(gpus) / in.gpus_per_instance);
  e.interruptions_per_hour = instances * in.interruptions_per_instance_hour;
  // Every instance writes its shard of the checkpoint at its own bandwidth.
  e.checkpoint_hours =
      kCheckpointBytesPerParam * params / (in.checkpoint_write_gbps * 1e9 * instances) / 3600;
  if (e.interruptions_per_hour <= 0) {
    e.checkpoint_interval_hours = INFINITY;
    return e;
  }
  const double mtbi = 1 / e.interruptions_per_hour;
  e.checkpoint_interval_hours = optimal_checkpoint_interval(e.checkpoint_hours, mtbi);
  e.time_multiplier = expected_wall_multiplier(e.checkpoint_interval_hours, e.checkpoint_hours,
                                               in.restart_hours, mtbi);
  e.lost_work_fraction = 1 - 1 / e.time_multiplier;
  return e;
}

double poisson_quantile(double mean, double q) {
  if (mean <= 0) return 0;
  if (mean > 500) {  // normal approximation with continuity correction, far beyond real runs
    return std::ceil(mean + 1.2816 * std::sqrt(mean) - 0.5);
  }
  double p = std::exp(-mean), cdf = p;
  int k = 0;
  while (cdf < q) {
    ++k;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

double spot_wall_hours_p90(const SpotEffect& e, double base_hours, double restart_hours) {
  if (e.interruptions_per_hour <= 0) return base_hours;
  const double expected_wall = base_hours * e.time_multiplier;
  const double n = poisson_quantile(e.interruptions_per_hour * expected_wall, 0.9);
  const double checkpoints = base_hours / e.checkpoint_interval_hours * e.checkpoint_hours;
  // The bound charges whole intervals but a small count's p90 can be 0 interruptions: never
  // report a p90 below the expected wall-clock.
  return std::max(expected_wall,
                  base_hours + checkpoints + n * (e.checkpoint_interval_hours + restart_hours));
}

double break_even_interruptions_per_hour(const SpotInputs& in, double params, int gpus,
                                         double spot_usd, double on_demand_usd) {
  if (spot_usd >= on_demand_usd) return 0;
  const auto ratio = [&](double rate) {
    SpotInputs at = in;
    at.interruptions_per_instance_hour = rate;
    return spot_usd * spot_effect(at, params, gpus).time_multiplier / on_demand_usd;
  };
  double lo = 0, hi = 1;
  while (ratio(hi) < 1 && hi < 1e6) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (ratio(mid) < 1 ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace scaleplan
