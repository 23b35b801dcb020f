#include "scaleplan/model/cost.hpp"

#include <cmath>

#include "scaleplan/model/recipe.hpp"

namespace scaleplan {

// Kaplan et al. 2020 Sec. 2.1 (6N); PaLM App. B (6N + 12 L H Q T with H Q = d_model, T = seq).
double training_flops_per_token(FlopsConvention convention, double params, double seq_len) {
  if (convention == FlopsConvention::k6N) return 6 * params;
  const ContinuousShape shape = continuous_shape(params);
  return 6 * params + 12 * shape.n_layer * shape.d_model * seq_len;
}

TrainingCost training_cost(double flops_per_token, double tokens, double achieved_flops_per_s,
                           double usd_per_gpu_hour, int gpus) {
  TrainingCost c;
  c.flops_per_token = flops_per_token;
  c.flops = flops_per_token * tokens;
  c.gpu_hours = c.flops / achieved_flops_per_s / 3600;
  c.usd = c.gpu_hours * usd_per_gpu_hour;
  c.wall_hours = c.gpu_hours / gpus;
  return c;
}

// ZeRO Sec. 3.1 (16 bytes/param); Korthikanti et al. 2022 Eq. 1 (activations, bf16).
double training_bytes_per_gpu(double params, double seq_len, int gpus) {
  const ContinuousShape shape = continuous_shape(params);
  const double h = shape.d_model;
  const double heads = h / kHeadDim;
  const double stored_inputs = 2 * seq_len * h * shape.n_layer;
  const double one_layer = seq_len * h * (34 + 5 * heads * seq_len / h);
  return kTrainingBytesPerParam * params / gpus + stored_inputs + one_layer;
}

double max_trainable_params(double memory_gb, double seq_len, int gpus) {
  const double usable = kUsableMemoryFraction * memory_gb * 1e9;
  double lo = 1, hi = 1e16;  // bytes grow monotonically with params: bisect in log space
  if (training_bytes_per_gpu(lo, seq_len, gpus) > usable) return 0;
  if (training_bytes_per_gpu(hi, seq_len, gpus) <= usable) return hi;
  for (int i = 0; i < 200 && hi / lo > 1 + 1e-12; ++i) {
    const double mid = std::sqrt(lo * hi);
    (training_bytes_per_gpu(mid, seq_len, gpus) <= usable ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace scaleplan
