#pragma once
/// The rest of the training recipe for a chosen (N, D): the model's shape, batch size, peak
/// learning rate and LR schedule.

#include <string>

namespace scaleplan {

/// d_model / n_layer. GPT-3 175B uses 12288 / 96 = 128 (Brown et al. 2020, Table 2.1); Kaplan et
/// al. 2020 (Sec. 3.1, Fig. 5) find loss within a few percent over aspect ratios 20-200.
inline constexpr double kAspectRatio = 128;
/// Head dimension of 128 (GPT-3 175B, Llama 2/3); d_model is rounded to a multiple of it.
inline constexpr int kHeadDim = 128;
/// Models with at least this many heads get a head count divisible by 8, so 8-way tensor
/// parallelism (one NVLink node) splits the heads evenly (Megatron-LM, Shoeybi et al. 2019).
inline constexpr int kHeadMultipleFrom = 16;
inline constexpr int kHeadMultiple = 8;

/// Transformer shape. `params` = 12 n_layer d_model^2, the non-embedding count of Kaplan et al.
/// 2020, Sec. 2.1 (N ~ 2 d_model n_layer (2 d_attn + d_ff) with d_attn = d_model, d_ff = 4 d_model).
struct Shape {
  int n_layer = 0;
  int d_model = 0;
  int n_head = 0;
  double params = 0;
};

/// The unrounded shape of an N-parameter model at kAspectRatio (used inside the search).
struct ContinuousShape {
  double n_layer = 0, d_model = 0;
};
ContinuousShape continuous_shape(double params);

/// The hardware-friendly shape (n_head = d_model / kHeadDim, a multiple of kHeadMultiple for
/// large models) nearest to `params`, n_layer within 25% of the ideal aspect ratio's; ties in
/// parameter count go to the shape nearer kAspectRatio.
Shape round_shape(double params);

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
inline constexpr double kMaxWarmupFraction = 0.05;
inline constexpr double kWsdDecayFraction = 0.20;

/// The recipe at training compute `flops` for `tokens` tokens of `seq_len`-token sequences:
/// the batch rounded to a power-of-two number of sequences, the LR to two significant digits.
Recipe make_recipe(double flops, double tokens, int seq_len, ScheduleKind kind);

}  // namespace scaleplan
