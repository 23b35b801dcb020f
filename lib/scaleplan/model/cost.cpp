#include "scaleplan/model/cost.hpp"

#include "scaleplan/model/architecture.hpp"

namespace scaleplan {

// Kaplan et al. 2020 Sec. 2.1 (6N); PaLM App. B and Korthikanti et al. 2022 App. A Eq. 7.
double training_flops_per_token(FlopsConvention convention, double params, double seq_len,
                                double vocab) {
  if (convention == FlopsConvention::k6N) return 6 * params;
  const ContinuousShape shape = continuous_shape(params);
  return 6 * params + 12 * shape.n_layer * shape.d_model * seq_len + 6 * vocab * shape.d_model;
}

TrainingCost training_cost(double flops_per_token, double tokens, double tokens_per_second,
                           double goodput, double usd_per_gpu_hour, int gpus) {
  TrainingCost c;
  c.flops_per_token = flops_per_token;
  c.flops = flops_per_token * tokens;
  c.wall_hours = tokens / (tokens_per_second * goodput) / 3600;
  c.gpu_hours = c.wall_hours * gpus;
  c.usd = c.gpu_hours * usd_per_gpu_hour;
  return c;
}

}  // namespace scaleplan
