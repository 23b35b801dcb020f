#pragma once
/// The rest of the training recipe for a chosen (N, D): batch size, peak learning rate and LR
/// schedule, and what a batch above the optimum costs in data.

#include <string>

namespace scaleplan {

enum class ScheduleKind { kWsd, kCosine };
std::string to_string(ScheduleKind kind);

struct Schedule {
  ScheduleKind kind = ScheduleKind::kWsd;
  long long warmup_steps = 0, decay_steps = 0, total_steps = 0;
};

struct Recipe {
  long long batch_tokens = 0;
  double learning_rate = 0;
  Schedule schedule;
};

/// DeepSeek LLM 2024, Sec. 3.1 Eq. 1: B_opt = 0.2920 C^0.3271 tokens, eta_opt = 0.3118 C^-0.1250.
double deepseek_batch_tokens(double flops);
double deepseek_learning_rate(double flops);

/// Warmup: 2000 steps (DeepSeek LLM 2024, Sec. 2.3), at most 5% of the run. WSD decays over the
/// last 20% of steps (Hägele et al. 2024, Sec. 3.2); cosine decays from warmup to the end.
inline constexpr long long kWarmupSteps = 2000;
/// The fewest optimizer steps a planned run may take. ASSUMPTION: a run of fewer leaves no room
/// for a warmup and a decay (DeepSeek LLM warms up over 2000 steps, Sec. 2.3; the smallest
/// Chinchilla runs take thousands, Hoffmann et al. 2022 App. D); it also keeps a tiny budget on
/// a huge cluster from "finishing" in a few sub-second steps.
inline constexpr long long kMinOptimizerSteps = 1000;
inline constexpr double kMaxWarmupFraction = 0.05;
inline constexpr double kWsdDecayFraction = 0.20;

/// Data a batch above the compute-optimal one wastes. McCandlish et al. 2018 (Sec. 2.2, Eq.
/// 2.11; Kaplan et al. 2020 Eq. 5.4): reaching a loss at batch B takes E = E_min (1 + B/B_noise)
/// tokens. Taking the law's runs to be trained at B* = B_noise, DeepSeek's B_opt at their compute
/// (an ASSUMPTION, docs/models.md), D tokens at B are worth D (1 + 1) / (1 + B/B*) tokens at B*:
/// 1 at B*, 2/3 at 2 B*. Smaller batches earn no credit (the law's fit says nothing below B*).
double batch_data_efficiency(double batch_tokens, double optimal_batch_tokens);

/// The global batch in sequences: the largest multiple of `sequences_per_step_unit` (data-parallel
/// ranks x micro-batch) within `target_tokens` / seq_len, at least one unit. Rounding down keeps
/// the batch at or below the optimum unless the GPU count forces it above.
long long global_batch_sequences(double target_tokens, int seq_len,
                                 long long sequences_per_step_unit);

/// The recipe for `tokens` tokens at training compute `flops` and a global batch of
/// `batch_tokens`: the LR to two significant digits, the schedule's steps.
Recipe make_recipe(double flops, double tokens, long long batch_tokens, ScheduleKind kind);

}  // namespace scaleplan
