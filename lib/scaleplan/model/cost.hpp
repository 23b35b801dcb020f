#pragma once
/// Training FLOPs, GPU-hours, dollars and wall-clock of a run.

namespace scaleplan {

/// How `budget.flops` counts a run's compute. 6N: the scaling-law papers' convention (Kaplan et
/// al. 2020, Sec. 2.1). Detailed: 6N + 12 n_layer d_model seq + 6 vocab d_model, counting the
/// attention scores and the output head (PaLM, Chowdhery et al. 2022, App. B; Korthikanti et al.
/// 2022 App. A Eq. 7), with the continuous shape of N (architecture.hpp).
enum class FlopsConvention { k6N, kDetailed };

/// Training FLOPs per token = 3 x forward FLOPs per token.
double training_flops_per_token(FlopsConvention convention, double params, double seq_len,
                                double vocab);

/// Share of a job's GPU time that trains (the rest: failures, restarts, evaluations, stragglers).
/// Llama 3 405B: "higher than 90% effective training time" over 54 days on 16,384 H100s with 466
/// interruptions (Dubey et al. 2024, Sec. 3.3.4). 0.90 is their lower bound; `hardware.goodput`
/// overrides it.
inline constexpr double kDefaultGoodput = 0.90;

/// Everything about a run's price and duration. Units in the names.
struct TrainingCost {
  double flops = 0;  ///< in the budget's convention
  double flops_per_token = 0;
  double gpu_hours = 0;
  double usd = 0;
  double wall_hours = 0;
};

/// Wall-clock = tokens / (tokens per second x goodput); GPU-hours = wall-clock x GPUs; dollars =
/// GPU-hours x price.
TrainingCost training_cost(double flops_per_token, double tokens, double tokens_per_second,
                           double goodput, double usd_per_gpu_hour, int gpus);

}  // namespace scaleplan
