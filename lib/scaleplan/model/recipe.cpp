#include "scaleplan/model/recipe.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

ContinuousShape continuous_shape(double params) {
  // params = 12 n_layer d_model^2 with d_model = kAspectRatio n_layer.
  const double n_layer = std::cbrt(params / (12 * kAspectRatio * kAspectRatio));
  return {n_layer, kAspectRatio * n_layer};
}

Shape round_shape(double params) {
  const double ideal_layers = continuous_shape(params).n_layer;
  const bool large = ideal_layers * kAspectRatio / kHeadDim >= kHeadMultipleFrom;
  const double head_step = large ? kHeadMultiple : 1;
  Shape best;
  double best_error = INFINITY;
  const int lo = std::max(1, static_cast<int>(std::floor(ideal_layers * 0.8)));
  const int hi = std::max(lo, static_cast<int>(std::ceil(ideal_layers * 1.25)));
  for (int n_layer = lo; n_layer <= hi; ++n_layer) {
    const double ideal_heads = std::sqrt(params / (12.0 * n_layer)) / kHeadDim;
    const double heads = std::max(head_step, std::round(ideal_heads / head_step) * head_step);
    const int d_model = static_cast<int>(heads) * kHeadDim;
    const double count = 12.0 * n_layer * static_cast<double>(d_model) * d_model;
    // Nearest in parameters first; a quarter weight keeps small models near the aspect ratio.
    const double aspect = static_cast<double>(d_model) / n_layer;
    const double error =
        std::abs(std::log(count / params)) + 0.25 * std::abs(std::log(aspect / kAspectRatio));
    if (error < best_error) {
      best_error = error;
      best = {n_layer, d_model, d_model / kHeadDim, count};
    }
  }
  return best;
}

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

Recipe make_recipe(double flops, double tokens, int seq_len, ScheduleKind kind) {
  Recipe r;
  const double sequences = std::max(1.0, deepseek_batch_tokens(flops) / seq_len);
  r.batch_tokens = static_cast<long long>(std::exp2(std::round(std::log2(sequences)))) * seq_len;
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
