#pragma once
/// Spot capacity as it behaves: interruptions, checkpoints at the optimal interval, lost work
/// and restarts (Daly 2006's renewal model), and the wall-clock spread they cause
/// (docs/economics.md).

namespace scaleplan {

/// ASSUMPTION (no public per-hour figure for GPU spot fleets): one interruption per instance per
/// 100 hours. AWS's Spot Instance Advisor only publishes monthly buckets (< 5% ... > 20% of
/// instances interrupted per month, i.e. below 3e-4 per instance-hour); GPU spot capacity on the
/// big clouds is reclaimed far more often in practice. Override with
/// hardware.spot_interruptions_per_hour.
inline constexpr double kDefaultSpotInterruptionsPerHour = 0.01;
inline constexpr int kDefaultGpusPerInstance = 8;        ///< an 8-GPU node (HGX, p5, A3)
/// GB/s to storage per instance: an assumption (a node's NICs reach 50-400 GB/s; shared storage
/// rarely gives one node more than a few GB/s of sustained writes).
inline constexpr double kDefaultCheckpointWriteGbps = 5;
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
  double checkpoint_interval_hours = 0;  ///< the optimal tau (infinite without interruptions)
  double time_multiplier = 1;         ///< expected wall (and GPU-hours) / uninterrupted
  double lost_work_fraction = 0;      ///< of the expected wall-clock
};

/// Daly 2006 ("A higher order estimate of the optimum checkpoint interval for restart dumps",
/// FGCS 22, Sec. 3): with exponential interruptions of mean M, checkpoints of delta every tau of
/// work and a restart R, the expected wall-clock per hour of work is
/// M e^(R/M) (e^((tau+delta)/M) - 1) / tau (interruptions may strike during checkpoints and
/// restarts too). To first order it is 1 + sqrt(2 delta / M) + R / M at Young's (1974) tau.
double expected_wall_multiplier(double tau, double delta, double restart, double mtbi);

/// The tau that minimises it (numerically; below M always). Young's sqrt(2 delta M) is its
/// first-order value, Daly's Eq. 37 a higher-order fit.
double optimal_checkpoint_interval(double delta, double mtbi);

/// A run on spot capacity: lambda = instances x per-instance rate; delta = 14 B/param of training
/// state / (per-instance write bandwidth x instances), each instance writing its shard; tau
/// optimal; the expected multiplier from Daly's renewal model.
SpotEffect spot_effect(const SpotInputs& in, double params, int gpus);

/// A checkpoint longer than this share of the mean time between interruptions leaves the run
/// mostly restarting (at delta = M/2 the multiplier is already about e): such a spot run is
/// refused (constraint spot.checkpoint_hours).
inline constexpr double kMaxCheckpointShareOfMtbi = 0.5;

/// p90 wall-clock of a run whose uninterrupted duration is `base_hours`: the 90th percentile of
/// the Poisson number of interruptions over the expected duration, each costing a whole
/// checkpoint interval plus the restart (a conservative bound), and never below the expected
/// wall-clock.
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
