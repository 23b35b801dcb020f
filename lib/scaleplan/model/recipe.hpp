#pragma once
/// The rest of the training recipe for a chosen (N, D): batch size, peak learning rate and LR
/// schedule, and what a batch above the optimum costs in data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// Step Law (Li et al. 2025, "Predictable Scale: Part I", arXiv 2503.04715): eta_opt =
/// 1.79 N^-0.713 D^0.307 and B_opt = 0.58 D^0.571 tokens as printed, N the non-embedding
/// parameters (attention 4 d^2 + FFN 3 d d_ff per layer in their grid), D the training tokens.
/// The constants used are the mean of the authors' released 1,000-bootstrap fit
/// (github.com/step-law/steplaw, data/1004_fitted_lr_bs_scaling_model_parameters.csv:
/// exp(0.58631) = 1.7973, -0.71292, 0.30749; exp(-0.54354) = 0.58069, 0.57094), which the
/// printed form rounds; the paper body could not be checked (REFERENCES.md).
double step_law_learning_rate(double non_embedding_params, double tokens);
double step_law_batch_tokens(double tokens);

/// The law a run's peak learning rate and batch come from (model.hyperparameter_law).
enum class HyperparameterLaw { kDeepSeek2024, kStepLaw };
inline constexpr HyperparameterLaw kDefaultHyperparameterLaw = HyperparameterLaw::kDeepSeek2024;
std::string to_string(HyperparameterLaw law);  ///< "deepseek2024", "step-law"
std::optional<HyperparameterLaw> parse_hyperparameter_law(std::string_view name);
std::vector<std::string> hyperparameter_law_names();
/// The paper and equation, for messages: "DeepSeek LLM 2024, Eq. 1".
std::string hyperparameter_law_source(HyperparameterLaw law);

/// What the laws are written in: DeepSeek's compute C = M D (planner/run.hpp,
/// deepseek_compute), Step Law's non-embedding N and D.
struct HyperparameterInputs {
  double deepseek_flops = 0;
  double non_embedding_params = 0;
  double tokens = 0;
};

/// A law's optimum: the peak learning rate and the global batch in tokens.
struct Hyperparameters {
  double learning_rate = 0;
  double batch_tokens = 0;
};
Hyperparameters optimal_hyperparameters(HyperparameterLaw law, const HyperparameterInputs& in);

/// Where a law was fitted; a bound of 0 is none. DeepSeek LLM 2024 (Sec. 3.1) fitted Eq. 1 on
/// 1e17 to 2e19 FLOPs and applied it to its 7B and 67B runs (about 1e24 FLOPs, Sec. 2.3; the
/// 67B at 2T tokens is 9.9e23 by Eq. 2, computed): the range taken here is 1e17 to 1e24. Step
/// Law's released dense grid covers N 2.147e8 to 1.074e9 non-embedding parameters and D 4e9 to 1e11.
struct HyperparameterLawRange {
  double flops_min = 0, flops_max = 0;
  double params_min = 0, params_max = 0;
  double tokens_min = 0, tokens_max = 0;
};
HyperparameterLawRange hyperparameter_law_range(HyperparameterLaw law);
/// How far outside its range the law is used: the largest factor by which an input lies beyond a
/// bound (1 inside).
double hyperparameter_extrapolation(HyperparameterLaw law, const HyperparameterInputs& in);

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

/// The recipe for `tokens` tokens at a global batch of `batch_tokens`: the law's optimal
/// `learning_rate` to two significant digits, the schedule's steps.
Recipe make_recipe(double learning_rate, double tokens, long long batch_tokens,
                   ScheduleKind kind);

}  // namespace scaleplan
