#pragma once
/// Training precision and its quality cost: Kumar et al. 2024 ("Scaling Laws for Precision")
/// effective parameter count N_eff over the bits each tensor kind is trained in, and the
/// throughput cost of stabilising fp4 training.

#include <string>

#include "scaleplan/model/hardware.hpp"

namespace scaleplan {

/// The bits a training precision keeps each tensor kind in during the forward pass: Kumar et
/// al.'s P_w (weights), P_a (activations, the GEMM inputs) and P_kv (the attention's keys and
/// values). 16 or more: not quantized below the 16 bits the base laws were fitted at.
struct TrainingBits {
  double weights = 16, activations = 16, kv_cache = 16;
};

/// Kumar et al. 2024, App. K Table 2 (verified in shared/REFERENCES.md): the fitted gamma_x and
/// offsets n_x of N_eff = N prod_x (1 - exp(-P_x / gamma_x + n_x)), integer forward-pass
/// quantisation of 30-220M-parameter models.
struct PrecisionLaw {
  double gamma_w = 2.6745, n_w = 0.3037;
  double gamma_a = 2.2102, n_a = 1.4072;
  double gamma_kv = 0.9578, n_kv = 2.4185;
};
inline constexpr PrecisionLaw kKumarPrecisionLaw{};

/// One tensor kind's factor 1 - exp(-P / gamma + n) (Kumar et al. 2024, Eq. 4 as fitted, App. K),
/// clamped at 0 below the bits where the fit turns negative.
double precision_term(double bits, double gamma, double offset);
/// N_eff / N: the product of the weight, activation and KV-cache terms (Kumar et al. 2024, Eq. 4).
double effective_params_fraction(const TrainingBits& bits,
                                 const PrecisionLaw& law = kKumarPrecisionLaw);
/// The quality factor q = N_eff(bits) / N_eff(16, 16, 16): the base laws (Chinchilla and the
/// rest) were fitted on 16-bit mixed-precision runs, so 16 bits is q = 1 and bits above 16 count
/// as 16 (Kumar's fit covers 3-16 bits; it says nothing of fp32 gaining over bf16).
double precision_quality(const TrainingBits& bits, const PrecisionLaw& law = kKumarPrecisionLaw);
/// The lowest quality factor a budget may give (model.precision_quality): N_eff of 1% of N. The
/// law's own lowest is fp4's 0.232; a factor far below it would have the loss law extrapolate
/// to a model a hundredth of its size, which no measurement supports.
inline constexpr double kMinPrecisionQuality = 0.01;

/// Kumar et al. 2024 Sec. 4.3: training every tensor at P bits under the cost model
/// C = (6/16) N D P with alpha = beta, the loss at the best N for a compute C depends on P only
/// through N_eff(P) / (N P); the compute-optimal precision maximises it, independent of C
/// (Finding 3: "7-8 bits"). Searched over [lo_bits, hi_bits].
double compute_optimal_training_bits(const PrecisionLaw& law = kKumarPrecisionLaw,
                                     double lo_bits = 2, double hi_bits = 16);

/// What a training precision is: the bits it trains each tensor in, which tensors it quantizes
/// below 16 bits (for people), and its quality factor q = N_eff / N relative to bf16.
struct PrecisionTraits {
  TrainingBits bits;
  std::string quantized;  ///< "none", "weights, activations"
  double quality_params_factor = 1;
};
/// fp32, tf32, bf16: nothing below 16 bits. fp8: weights and activations at 8 bits, KV cache
/// (the attention core) in bf16 — the ASSUMPTION of the DeepSeek-V3 (2024, Sec. 3.3) and
/// Transformer Engine recipes, which keep attention in bf16. fp4: weights and activations at 4
/// bits, attention in bf16. Float formats are read as P-bit in Kumar's integer fit (App. N's float
/// weight refit gives 0.934 at 8 bits against the integer fit's 0.932).
PrecisionTraits precision_traits(Precision p);

/// fp4 training's stabilisation (random Hadamard transforms of the GEMM inputs, stochastic
/// rounding of the gradients; "Elucidating the Design Space of FP4 training", 2025) as a share
/// of the fp4 GEMM time. ASSUMPTION: no overhead figure could be read in that paper or a cited
/// measurement (shared/REFERENCES.md); budget key model.fp4_overhead.
inline constexpr double kDefaultFp4Overhead = 0.10;
/// The matmul curve with `overhead` of its compute time added: fraction / (1 + overhead).
MatmulCurve with_overhead(const MatmulCurve& curve, double overhead);

}  // namespace scaleplan
