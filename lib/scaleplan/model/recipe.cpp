#include "scaleplan/model/recipe.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

std::string to_string(ScheduleKind kind) { return kind == ScheduleKind::kWsd ? "wsd" : "cosine"; }

// DeepSeek LLM 2024, Sec. 3.1, Eq. 1 (C in FLOPs, B in tokens).
double deepseek_batch_tokens(double flops) { return 0.2920 * std::pow(flops, 0.3271); }
double deepseek_learning_rate(double flops) { return 0.3118 * std::pow(flops, -0.1250); }

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

Recipe make_recipe(double flops, double tokens, long long batch_tokens, ScheduleKind kind) {
  Recipe r;
  r.batch_tokens = batch_tokens;
  r.learning_rate = round_significant(deepseek_learning_rate(flops), 2);
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
