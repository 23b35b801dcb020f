#include "scaleplan/model/recipe.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

std::string to_string(ScheduleKind kind) { return kind == ScheduleKind::kWsd ? "wsd" : "cosine"; }

// DeepSeek LLM 2024, Sec. 3.1, Eq. 1 (C in FLOPs, B in tokens).
double deepseek_batch_tokens(double flops) { return 0.2920 * std::pow(flops, 0.3271); }
double deepseek_learning_rate(double flops) { return 0.3118 * std::pow(flops, -0.1250); }

// Li et al. 2025 (Step Law), the authors' released fit; see recipe.hpp.
double step_law_learning_rate(double non_embedding_params, double tokens) {
  return 1.7973 * std::pow(non_embedding_params, -0.71292) * std::pow(tokens, 0.30749);
}
double step_law_batch_tokens(double tokens) { return 0.58069 * std::pow(tokens, 0.57094); }

std::string to_string(HyperparameterLaw law) {
  return law == HyperparameterLaw::kStepLaw ? "step-law" : "deepseek2024";
}

std::optional<HyperparameterLaw> parse_hyperparameter_law(std::string_view name) {
  if (name == "deepseek2024") return HyperparameterLaw::kDeepSeek2024;
  if (name == "step-law") return HyperparameterLaw::kStepLaw;
  return std::nullopt;
}

std::vector<std::string> hyperparameter_law_names() { return {"deepseek2024", "step-law"}; }

std::string hyperparameter_law_source(HyperparameterLaw law) {
  return law == HyperparameterLaw::kStepLaw ? "Step Law, Li et al. 2025"
                                            : "DeepSeek LLM 2024, Eq. 1";
}

Hyperparameters optimal_hyperparameters(HyperparameterLaw law, const HyperparameterInputs& in) {
  if (law == HyperparameterLaw::kStepLaw)
    return {.learning_rate = step_law_learning_rate(in.non_embedding_params, in.tokens),
            .batch_tokens = step_law_batch_tokens(in.tokens)};
  return {.learning_rate = deepseek_learning_rate(in.deepseek_flops),
          .batch_tokens = deepseek_batch_tokens(in.deepseek_flops)};
}

HyperparameterLawRange hyperparameter_law_range(HyperparameterLaw law) {
  if (law == HyperparameterLaw::kStepLaw)
    return {.params_min = 2.146e8, .params_max = 1.074e9, .tokens_min = 4e9, .tokens_max = 1e11};
  return {.flops_min = 1e17, .flops_max = 1e24};
}

namespace {

/// The factor by which x lies outside [lo, hi] (1 inside; a bound of 0 is none).
double outside(double x, double lo, double hi) {
  if (lo > 0 && x < lo) return lo / x;
  if (hi > 0 && x > hi) return x / hi;
  return 1;
}

}  // namespace

double hyperparameter_extrapolation(HyperparameterLaw law, const HyperparameterInputs& in) {
  const HyperparameterLawRange r = hyperparameter_law_range(law);
  return std::max({outside(in.deepseek_flops, r.flops_min, r.flops_max),
                   outside(in.non_embedding_params, r.params_min, r.params_max),
                   outside(in.tokens, r.tokens_min, r.tokens_max)});
}

namespace {

double round_significant(double x, int digits) {
  if (x <= 0) return x;
  const double scale = std::pow(10.0, digits - 1 - std::floor(std::log10(x)));
  return std::round(x * scale) / scale;
}

}  // namespace

// McCandlish et al. 2018, Eq. 2.11, with B_noise at the compute-optimal batch.
double batch_data_efficiency(double batch_tokens, double optimal_batch_tokens) {
  if (batch_tokens <= optimal_batch_tokens) return 1;
  return 2 / (1 + batch_tokens / optimal_batch_tokens);
}

long long global_batch_sequences(double target_tokens, int seq_len,
                                 long long sequences_per_step_unit) {
  const double units =
      std::floor(target_tokens / seq_len / static_cast<double>(sequences_per_step_unit));
  return std::max(1LL, static_cast<long long>(std::min(units, 1e15))) * sequences_per_step_unit;
}

Recipe make_recipe(double learning_rate, double tokens, long long batch_tokens,
                   ScheduleKind kind) {
  Recipe r;
  r.batch_tokens = batch_tokens;
  r.learning_rate = round_significant(learning_rate, 2);
  const long long total =
      std::max(1LL, static_cast<long long>(std::ceil(tokens / static_cast<double>(r.batch_tokens))));
  r.schedule.kind = kind;
  r.schedule.total_steps = total;
  r.schedule.warmup_steps = std::min(
      kWarmupSteps, static_cast<long long>(std::floor(kMaxWarmupFraction * static_cast<double>(total))));
  r.schedule.decay_steps =
      kind == ScheduleKind::kWsd
          ? static_cast<long long>(std::round(kWsdDecayFraction * static_cast<double>(total)))
          : total - r.schedule.warmup_steps;
  return r;
}

}  // namespace scaleplan
