#include "scaleplan/model/spot.hpp"

#include <cmath>

#include "scaleplan/model/memory.hpp"

namespace scaleplan {

// Young 1974 (tau = sqrt(2 delta M)); Daly 2006 first-order waste.
SpotEffect spot_effect(const SpotInputs& in, double params, int gpus) {
  SpotEffect e;
  const double instances = std::ceil(static_cast<double>(gpus) / in.gpus_per_instance);
  e.interruptions_per_hour = instances * in.interruptions_per_instance_hour;
  e.checkpoint_hours =
      kCheckpointBytesPerParam * params / (in.checkpoint_write_gbps * 1e9) / 3600;
  if (e.interruptions_per_hour <= 0) {
    e.checkpoint_interval_hours = INFINITY;
    return e;
  }
  const double lambda = e.interruptions_per_hour;
  e.checkpoint_interval_hours = std::sqrt(2 * e.checkpoint_hours / lambda);
  const double waste = std::sqrt(2 * e.checkpoint_hours * lambda) + lambda * in.restart_hours;
  e.time_multiplier = 1 + waste;
  e.lost_work_fraction = waste / (1 + waste);
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
  return base_hours + checkpoints + n * (e.checkpoint_interval_hours + restart_hours);
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
