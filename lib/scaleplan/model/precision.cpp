#include "scaleplan/model/precision.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

// Kumar et al. 2024, Eq. 4 with the App. K offsets.
double precision_term(double bits, double gamma, double offset) {
  return std::max(0.0, 1 - std::exp(-bits / gamma + offset));
}

// Kumar et al. 2024, Eq. 4: N_eff = N (1 - e^(-P_w/g_w + n_w)) (1 - e^(-P_a/g_a + n_a))
// (1 - e^(-P_kv/g_kv + n_kv)).
double effective_params_fraction(const TrainingBits& b, const PrecisionLaw& law) {
  return precision_term(b.weights, law.gamma_w, law.n_w) *
         precision_term(b.activations, law.gamma_a, law.n_a) *
         precision_term(b.kv_cache, law.gamma_kv, law.n_kv);
}

double precision_quality(const TrainingBits& b, const PrecisionLaw& law) {
  const auto cap = [](double bits) { return std::min(bits, 16.0); };
  const TrainingBits capped{cap(b.weights), cap(b.activations), cap(b.kv_cache)};
  return effective_params_fraction(capped, law) / effective_params_fraction({16, 16, 16}, law);
}

// Kumar et al. 2024 Sec. 4.3. With L = A N_eff^-alpha + B D^-alpha + E and D = 16 C / (6 N P),
// the best N at fixed C and P gives L - E proportional to (N_eff D)^(-alpha/2) =
// (16 C f(P) / (6 P))^(-alpha/2), f = N_eff / N: the optimum maximises f(P) / P. Golden-section
// search on the unimodal f(P) / P.
double compute_optimal_training_bits(const PrecisionLaw& law, double lo, double hi) {
  const auto value = [&](double p) { return effective_params_fraction({p, p, p}, law) / p; };
  const double kInvPhi = 0.5 * (std::sqrt(5.0) - 1);
  double a = lo, b = hi;
  double x1 = b - kInvPhi * (b - a), x2 = a + kInvPhi * (b - a);
  double f1 = value(x1), f2 = value(x2);
  for (int i = 0; i < 100 && b - a > 1e-9; ++i) {
    if (f1 >= f2) b = x2, x2 = x1, f2 = f1, x1 = b - kInvPhi * (b - a), f1 = value(x1);
    else a = x1, x1 = x2, f1 = f2, x2 = a + kInvPhi * (b - a), f2 = value(x2);
  }
  return 0.5 * (a + b);
}

PrecisionTraits precision_traits(Precision p) {
  PrecisionTraits t;
  switch (p) {
    case Precision::kFp32:
    case Precision::kTf32: t.bits = {32, 32, 32}; t.quantized = "none"; break;
    case Precision::kBf16:
    case Precision::kFp16: t.bits = {16, 16, 16}; t.quantized = "none"; break;
    case Precision::kFp8: t.bits = {8, 8, 16}; t.quantized = "weights, activations"; break;
    case Precision::kFp4: t.bits = {4, 4, 16}; t.quantized = "weights, activations"; break;
  }
  t.quality_params_factor = precision_quality(t.bits);
  return t;
}

MatmulCurve with_overhead(const MatmulCurve& curve, double overhead) {
  return {curve.fraction / (1 + overhead), curve.overhead_s};
}

}  // namespace scaleplan
