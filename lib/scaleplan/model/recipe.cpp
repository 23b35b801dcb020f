#include "scaleplan/model/recipe.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

std::string to_string(ScheduleKind kind) { return kind == ScheduleKind::kWsd ? "wsd" : "cosine"; }

std::string to_string(DecayShape shape) {
  return shape == DecayShape::kOneMinusSqrt ? "one_minus_sqrt" : "linear";
}

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

double critical_batch_extrapolation(CriticalBatchLaw law, double tokens) {
  if (law != CriticalBatchLaw::kZhang2024) return 1;
  return outside(tokens, kZhang2024TokensMin, kZhang2024TokensMax);
}

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

// McCandlish et al. 2018, Eq. 2.11: E = E_min (1 + B / B_noise), relative to the law's B*.
double batch_data_efficiency(double batch_tokens, double optimal_batch_tokens,
                             double noise_batch_tokens) {
  if (batch_tokens <= optimal_batch_tokens) return 1;
  return (1 + optimal_batch_tokens / noise_batch_tokens) / (1 + batch_tokens / noise_batch_tokens);
}

double batch_data_efficiency(double batch_tokens, double optimal_batch_tokens) {
  return batch_data_efficiency(batch_tokens, optimal_batch_tokens, optimal_batch_tokens);
}

std::string to_string(CriticalBatchLaw law) {
  return law == CriticalBatchLaw::kZhang2024 ? "zhang2024" : "hyperparameter-law";
}

std::optional<CriticalBatchLaw> parse_critical_batch_law(std::string_view name) {
  if (name == "hyperparameter-law") return CriticalBatchLaw::kHyperparameterLaw;
  if (name == "zhang2024") return CriticalBatchLaw::kZhang2024;
  return std::nullopt;
}

std::vector<std::string> critical_batch_law_names() { return {"hyperparameter-law", "zhang2024"}; }

namespace {

constexpr double kZhangSequenceTokens = 512;
constexpr double kZhangTokensPerParam = 20.48;  // 256 x 512 x goal_steps / N in the notebook
constexpr double kZhangReferenceSequences = 1.2 * 256;

}  // namespace

// Zhang et al. 2024, the authors' notebook fit (UNVERIFIED; recipe.hpp).
double zhang2024_critical_batch_tokens(double tokens) {
  const double n_millions = tokens / kZhangTokensPerParam / 1e6;
  return 93.197 * std::pow(n_millions, 0.46828) * kZhangSequenceTokens;
}

double zhang2024_noise_batch_tokens(double tokens) {
  // 5 (CBS - 307.2 sequences); kept positive where the fit is extrapolated to tiny D.
  const double cbs = zhang2024_critical_batch_tokens(tokens) / kZhangSequenceTokens;
  return 5 * std::max(cbs - kZhangReferenceSequences, 0.2 * cbs) * kZhangSequenceTokens;
}

double noise_batch_tokens(CriticalBatchLaw law, double optimal_batch_tokens, double tokens) {
  return law == CriticalBatchLaw::kZhang2024 ? zhang2024_noise_batch_tokens(tokens)
                                              : optimal_batch_tokens;
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
  // Hägele et al. 2024's cosine decays to 10% of the peak; the WSD cooldown goes to 0.
  r.schedule.final_lr_fraction = kind == ScheduleKind::kCosine ? kCosineFinalLrFraction : 0;
  return r;
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr long long kExactAnnealingSteps = 1LL << 20;

/// The LR fraction at position x in (0, 1] of the decay: 1 at its start, final at x = 1.
double decay_fraction_at(const Schedule& s, double x) {
  const double f = s.final_lr_fraction;
  double shape = 0;
  if (s.kind == ScheduleKind::kCosine) shape = 0.5 * (1 + std::cos(kPi * x));
  else if (s.decay_shape == DecayShape::kOneMinusSqrt) shape = 1 - std::sqrt(x);
  else shape = 1 - x;
  return f + (1 - f) * shape;
}

long long decay_start(const Schedule& s) {
  return s.kind == ScheduleKind::kCosine ? s.warmup_steps : s.total_steps - s.decay_steps;
}

}  // namespace

// Step t (0-based) of a decay of n steps starting at t0 sits at x = (t - t0 + 1) / n, so the
// last step reaches the final LR; warmup and the stable phase count at the peak (recipe.hpp).
double lr_fraction(const Schedule& s, long long step) {
  const long long start = decay_start(s);
  const long long n = s.total_steps - start;
  if (step < start || n <= 0) return 1;
  return decay_fraction_at(s, static_cast<double>(step - start + 1) / static_cast<double>(n));
}

// Tissue et al. 2024: S1 = sum eta_i, S2 = sum m_i with m_i = lambda m_(i-1) + (eta_(i-1) - eta_i).
// Summed per step, sum_i m_i = sum_k d_k (1 - lambda^(T - k)) / (1 - lambda) over the drops d_k.
AnnealingAreas annealing_areas(const Schedule& s) {
  AnnealingAreas a;
  const long long total = std::max(0LL, s.total_steps);
  const long long start = std::clamp(decay_start(s), 0LL, total);
  const long long n = total - start;
  a.s1 = static_cast<double>(start);
  const double lambda = kAnnealingMomentum;
  const auto tail = [&](double steps_left) {  // (1 - lambda^steps_left) / (1 - lambda)
    return -std::expm1(steps_left * std::log(lambda)) / (1 - lambda);
  };
  if (n <= 0) return a;
  if (n <= kExactAnnealingSteps) {
    double previous = 1;
    for (long long k = 0; k < n; ++k) {
      const double eta = decay_fraction_at(s, static_cast<double>(k + 1) / static_cast<double>(n));
      a.s1 += eta;
      a.s2 += (previous - eta) * tail(static_cast<double>(n - k));
      previous = eta;
    }
    return a;
  }
  // In bins: each bin's steps at its mid-point LR, its drop weighted at its mid-point.
  const double width = static_cast<double>(n) / static_cast<double>(kExactAnnealingSteps);
  double previous = 1;
  for (long long b = 0; b < kExactAnnealingSteps; ++b) {
    const double x_mid = (static_cast<double>(b) + 0.5) / static_cast<double>(kExactAnnealingSteps);
    const double x_end = static_cast<double>(b + 1) / static_cast<double>(kExactAnnealingSteps);
    const double eta_end = decay_fraction_at(s, x_end);
    a.s1 += decay_fraction_at(s, x_mid) * width;
    a.s2 += (previous - eta_end) * tail(static_cast<double>(n) * (1 - x_mid));
    previous = eta_end;
  }
  return a;
}

Schedule reference_schedule(long long warmup_steps, long long total_steps) {
  Schedule s;
  s.kind = ScheduleKind::kWsd;
  s.warmup_steps = warmup_steps;
  s.total_steps = total_steps;
  s.decay_steps = static_cast<long long>(std::round(kWsdDecayFraction * static_cast<double>(total_steps)));
  s.decay_shape = DecayShape::kLinear;
  s.final_lr_fraction = 0;
  return s;
}

}  // namespace scaleplan
