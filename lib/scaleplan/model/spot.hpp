#pragma once
/// Spot capacity as it behaves: interruptions, checkpoints at Young's interval, lost work and
/// restarts, and the wall-clock spread they cause (docs/economics.md).

namespace scaleplan {

/// ASSUMPTION (no public per-hour figure for GPU spot fleets): one interruption per instance per
/// 100 hours. AWS's Spot Instance Advisor only publishes monthly buckets (< 5% ... > 20% of
/// instances interrupted per month, i.e. below 3e-4 per instance-hour); GPU spot capacity on the
/// big clouds is reclaimed far more often in practice. Override with
/// hardware.spot_interruptions_per_hour.
inline constexpr double kDefaultSpotInterruptionsPerHour = 0.01;
inline constexpr int kDefaultGpusPerInstance = 8;        ///< an 8-GPU node (HGX, p5, A3)
inline constexpr double kDefaultCheckpointWriteGbps = 5; ///< GB/s to storage: an assumption
/// Restart after an interruption: get capacity back, reload the checkpoint (an assumption).
inline constexpr double kRestartHours = 0.1;

/// A checkpoint holds the weights and the optimizer states (fp32 master weights, two moments).
inline constexpr double kCheckpointBytesPerParam = 2 + 12;

struct SpotInputs {
  double interruptions_per_instance_hour = kDefaultSpotInterruptionsPerHour;
  int gpus_per_instance = kDefaultGpusPerInstance;
  double checkpoint_write_gbps = kDefaultCheckpointWriteGbps;
  double restart_hours = kRestartHours;
};

struct SpotEffect {
  double interruptions_per_hour = 0;  ///< job level: instances x per-instance rate
  double checkpoint_hours = 0;        ///< delta: writing one checkpoint
  double checkpoint_interval_hours = 0;  ///< Young's tau (infinite without interruptions)
  double time_multiplier = 1;         ///< expected wall (and GPU-hours) / uninterrupted
  double lost_work_fraction = 0;      ///< of the expected wall-clock
};

/// Young 1974: tau = sqrt(2 delta M), M = 1/lambda; checkpoint cost delta = 14 B/param of
/// training state / write bandwidth. First-order expected overhead per useful hour (Young 1974;
/// Daly 2006 Eq. 1): delta/tau + lambda (tau/2 + R) = sqrt(2 delta lambda) + lambda R.
SpotEffect spot_effect(const SpotInputs& in, double params, int gpus);

/// p90 wall-clock of a run whose uninterrupted duration is `base_hours`: the 90th percentile of
/// the Poisson number of interruptions over the expected duration, each costing a whole
/// checkpoint interval plus the restart (a conservative bound).
double spot_wall_hours_p90(const SpotEffect& e, double base_hours, double restart_hours);

/// The per-instance interruption rate above which on-demand is cheaper:
/// spot_price x multiplier(rate) = on_demand_price (bisection; 0 when spot is not cheaper even
/// without interruptions).
double break_even_interruptions_per_hour(const SpotInputs& in, double params, int gpus,
                                         double spot_usd, double on_demand_usd);

/// 90th percentile of a Poisson distribution with mean `mean`: a whole number, as a double
/// (an int overflowed above 2^31 interruptions into a negative p90 that met any deadline).
double poisson_quantile(double mean, double q);

}  // namespace scaleplan
