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

/// The shape of a WSD cooldown: linear, or Hägele et al. 2024's (1 - sqrt) (Sec. 3.2:
/// f(n) = 1 - sqrt((n - (N - N_decay)) / N_decay)), which they find beats linear.
enum class DecayShape { kLinear, kOneMinusSqrt };
std::string to_string(DecayShape shape);  ///< "linear", "one_minus_sqrt"

struct Schedule {
  ScheduleKind kind = ScheduleKind::kWsd;
  long long warmup_steps = 0, decay_steps = 0, total_steps = 0;
  DecayShape decay_shape = DecayShape::kLinear;  ///< WSD only
  /// The LR at the end as a fraction of the peak: WSD cools down to it, cosine decays to it.
  double final_lr_fraction = 0;
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
/// A planned cosine decays to 10% of the peak, as Hägele et al. 2024's baseline (Sec. 3.2).
inline constexpr double kCosineFinalLrFraction = 0.1;

/// Data a batch above the compute-optimal one wastes. McCandlish et al. 2018 (Sec. 2.2, Eq.
/// 2.11; Kaplan et al. 2020 Eq. 5.4): reaching a loss at batch B takes E = E_min (1 + B/B_noise)
/// tokens. The law's runs are taken to be trained at the hyperparameter law's B* (an
/// ASSUMPTION, docs/models.md), so D tokens at B are worth D (1 + B*/B_noise) / (1 + B/B_noise)
/// tokens at B*. With B_noise = B* (model.critical_batch: hyperparameter-law) that is
/// 2 / (1 + B/B*): 1 at B*, 2/3 at 2 B*. Smaller batches earn no credit (the law's fit says
/// nothing below B*).
double batch_data_efficiency(double batch_tokens, double optimal_batch_tokens,
                             double noise_batch_tokens);
/// The same with B_noise = B*.
double batch_data_efficiency(double batch_tokens, double optimal_batch_tokens);

/// Where B_noise comes from (model.critical_batch).
///  - hyperparameter-law: B_noise = the hyperparameter law's B_opt (an ASSUMPTION);
///  - zhang2024: Zhang et al. 2024 ("How Does Critical Batch Size Scale in Pre-training?",
///    arXiv 2410.21676): the critical batch grows with the data D, not the model size N (the
///    paper's finding, verified); its size from the authors' Chinchilla-setting fit (below).
enum class CriticalBatchLaw { kHyperparameterLaw, kZhang2024 };
inline constexpr CriticalBatchLaw kDefaultCriticalBatchLaw = CriticalBatchLaw::kHyperparameterLaw;
std::string to_string(CriticalBatchLaw law);  ///< "hyperparameter-law", "zhang2024"
std::optional<CriticalBatchLaw> parse_critical_batch_law(std::string_view name);
std::vector<std::string> critical_batch_law_names();

/// Zhang et al. 2024's critical batch for a run on `tokens` tokens, in tokens. UNVERIFIED
/// constants (the paper body could not be read; REFERENCES.md): the authors' notebook
/// (github.com/hlzhang109/critical-batch-size, plots/chinchilla.ipynb) fits CBS = 93.197
/// N_M^0.46828 sequences of 512 tokens over their Chinchilla runs (85M to 1.2B params, N_M in
/// millions), each trained on 20.48 tokens per parameter (goal_steps x 256 x 512): as CBS grows
/// with D, not N, N_M = D / 2.048e7 here.
double zhang2024_critical_batch_tokens(double tokens);
/// B_noise from that fit. The notebook fits steps S(B) = a + b/B per model (S_min (1 + B_noise/B),
/// B_noise = b/a) and defines CBS by b = 5 a (CBS - 1.2 x 256), so B_noise = 5 (CBS - 307.2)
/// sequences: CBS is where E/E_min = 1 + B/B_noise reaches 1.2 (20% over linear scaling,
/// measured from the 256-sequence runs). UNVERIFIED like the fit.
double zhang2024_noise_batch_tokens(double tokens);
/// The runs the fit covers: D = 1.741e9 (85M) to 2.458e10 (1.2B) tokens.
inline constexpr double kZhang2024TokensMin = 1.741e9, kZhang2024TokensMax = 2.458e10;
/// How far outside that range `tokens` lies (1 inside; 1 for hyperparameter-law).
double critical_batch_extrapolation(CriticalBatchLaw law, double tokens);
/// B_noise in tokens under `law`, given the hyperparameter law's B_opt for the run.
double noise_batch_tokens(CriticalBatchLaw law, double optimal_batch_tokens, double tokens);

/// The global batch in sequences: the largest multiple of `sequences_per_step_unit` (data-parallel
/// ranks x micro-batch) within `target_tokens` / seq_len, at least one unit. Rounding down keeps
/// the batch at or below the optimum unless the GPU count forces it above.
long long global_batch_sequences(double target_tokens, int seq_len,
                                 long long sequences_per_step_unit);

/// The recipe for `tokens` tokens at a global batch of `batch_tokens`: the law's optimal
/// `learning_rate` to two significant digits, the schedule's steps.
Recipe make_recipe(double learning_rate, double tokens, long long batch_tokens,
                   ScheduleKind kind);

/// Tissue et al. 2024 ("Scaling Law with Learning Rate Annealing", arXiv 2408.11029, abstract):
/// L(s) = L0 + A S1^-alpha - C S2, with S1 the area under the LR curve (forward area) and S2 the
/// annealing area. S1 = sum_i eta_i and S2 = sum_i m_i, m_i = lambda m_(i-1) + (eta_(i-1) -
/// eta_i), lambda = 0.999: S2 = sum_i sum_(k<=i) (eta_(k-1) - eta_k) lambda^(i-k), as Wang,
/// Tissue et al. 2025 ("Learning Dynamics in Continual Pre-Training for Large Language Models",
/// arXiv 2505.07796, ICML 2025, Eq. 1) restate it (checked there; the 2024 paper's own equations
/// could not be read). Warmup counted at the peak (the authors' reference script, unverified). L0, A, C, alpha are fitted per setup and
/// none is published for a general one: scaleplan computes the areas, not the loss.
struct AnnealingAreas {
  double s1 = 0;  ///< in peak-LR steps (eta / eta_peak summed)
  double s2 = 0;  ///< likewise
};
inline constexpr double kAnnealingMomentum = 0.999;
/// The areas of `schedule` with the LR in units of its peak. Exact per-step sums up to 2^20
/// steps; above, the decay is summed in 2^20 equal bins (the areas scale with the steps).
AnnealingAreas annealing_areas(const Schedule& schedule);
/// The LR of `schedule` at 0-based step `step`, as a fraction of the peak.
double lr_fraction(const Schedule& schedule, long long step);

/// The schedule the loss law's prediction is taken to be for: WSD with a linear cooldown over the
/// last 20% of steps to 0, which Hägele et al. 2024 (Sec. 3.2) find matches a cosine to 10% of the
/// peak, the schedule the laws' fits were trained with (an ASSUMPTION, docs/models.md).
Schedule reference_schedule(long long warmup_steps, long long total_steps);

}  // namespace scaleplan
