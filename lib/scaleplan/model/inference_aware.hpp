#pragma once
/// Training plus inference: Sardana & Frankle 2023, "Beyond Chinchilla-Optimal: Accounting for
/// Inference in Language Model Scaling Laws" -- for a target loss, the (N, D) that minimises the
/// lifetime FLOPs 6 N D_train + 2 N D_inference.

#include <functional>
#include <optional>

#include "scaleplan/model/law.hpp"

namespace scaleplan {

struct LifetimeOptimum {
  double params = 0, tokens = 0;       ///< N and D_train
  double total = 0;                    ///< the minimised lifetime cost (FLOPs or dollars)
  double chinchilla_params = 0, chinchilla_tokens = 0;  ///< the training-optimal model
  double chinchilla_total = 0;         ///< its lifetime cost with the same inference demand
  double saving = 0;                   ///< 1 - total / chinchilla_total
};

/// D such that L(N, D) = target under a Chinchilla-form law; nullopt when N alone cannot reach it.
std::optional<double> tokens_for_loss(const ChinchillaLaw& law, double params, double target);

/// Sardana & Frankle 2023, Sec. 2 (Eq. 1 with FLOPs): minimise 6 N D + 2 N D_inference subject to
/// L(N, D) = target, by golden-section search over log N. nullopt when the target is below E.
std::optional<LifetimeOptimum> lifetime_flops_optimum(const ChinchillaLaw& law, double target,
                                                      double inference_tokens);

/// The same minimisation for any lifetime cost(N, D_train) (e.g. dollars with separate training
/// and serving prices and MFUs, their Sec. 3).
std::optional<LifetimeOptimum> lifetime_optimum(
    const ChinchillaLaw& law, double target, const std::function<double(double, double)>& cost);

/// The loss of the compute-optimal X-parameter model ("X-quality" in Sardana & Frankle).
double quality_of_size(const ChinchillaLaw& law, double params);

}  // namespace scaleplan
