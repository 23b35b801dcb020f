#include "scaleplan/model/law.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "scaleplan/model/data.hpp"

namespace scaleplan {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

double chinchilla_loss(const ChinchillaLaw& l, double params, double tokens) {
  return l.e + l.a / std::pow(params, l.alpha) + l.b / std::pow(tokens, l.beta);
}

/// C from the inputs: the given FLOPs, else 6 N D (Kaplan et al. 2020, Sec. 2.1), else NaN.
double compute_of(const LawInputs& in) {
  if (in.flops > 0) return in.flops;
  if (in.params > 0 && in.tokens > 0) return 6 * in.params * in.tokens;
  return kNan;
}

double positive_or_nan(double x) { return x > 0 ? x : kNan; }

}  // namespace

ChinchillaLaw to_chinchilla(const OvertrainingLaw& l) {
  const double scale = std::pow(6.0, -l.eta);
  return {l.e, l.a * scale, l.b * scale, 2 * l.eta, 2 * l.eta};
}

OvertrainingLaw to_overtraining(const ChinchillaLaw& l) {
  const double eta = l.alpha / 2, scale = std::pow(6.0, eta);
  return {l.e, l.a * scale, l.b * scale, eta};
}

// Ludziejewski et al. 2025, Eq. 4.
double transformed_experts(const JointMoeLaw& l, double experts) {
  const double offset = 1 / (1 / l.e_start - 1 / l.e_max);
  return 1 / (1 / (experts - 1 + offset) + 1 / l.e_max);
}

// Ludziejewski et al. 2025, Eq. 6 at fixed E (Table 4).
ChinchillaLaw at_experts(const JointMoeLaw& l, double experts) {
  const double e_hat = transformed_experts(l, std::max(1.0, experts));
  const double log_e = std::log(e_hat);
  return {.e = l.c,
          .a = l.a * std::pow(e_hat, l.delta),
          .b = l.b * std::pow(e_hat, l.omega),
          .alpha = -(l.alpha + l.gamma * log_e),
          .beta = -(l.beta + l.zeta * log_e)};
}

LawForm form_at_experts(const LawForm& form, double experts) {
  if (const auto* j = std::get_if<JointMoeLaw>(&form)) return at_experts(*j, experts);
  return form;
}

bool knows_experts(const LawForm& form) { return std::holds_alternative<JointMoeLaw>(form); }

bool counts_embeddings(const LawForm& form) { return std::holds_alternative<JointMoeLaw>(form); }

std::optional<ChinchillaLaw> as_chinchilla(const LawForm& form) {
  if (const auto* c = std::get_if<ChinchillaLaw>(&form)) return *c;
  if (const auto* j = std::get_if<JointMoeLaw>(&form)) return at_experts(*j, 1);
  if (const auto* o = std::get_if<OvertrainingLaw>(&form)) return to_chinchilla(*o);
  if (const auto* d = std::get_if<DataConstrainedLaw>(&form)) return d->base;
  return std::nullopt;
}

bool is_params_tokens_law(const LawForm& form) {
  return std::holds_alternative<ChinchillaLaw>(form) || std::holds_alternative<KaplanLaw>(form) ||
         std::holds_alternative<OvertrainingLaw>(form) ||
         std::holds_alternative<DataConstrainedLaw>(form) ||
         std::holds_alternative<JointMoeLaw>(form);
}

// Hoffmann et al. 2022, Eq. 2; Kaplan et al. 2020, Eq. 1.5; Gadre et al. 2024, Eq. 4;
// Muennighoff et al. 2023, Eq. 5-7; Porian et al. 2024; Nezhurina et al. 2025; Yao et al. 2024;
// Khatri et al. 2025; Ghorbani et al. 2021.
double evaluate(const LawForm& form, const LawInputs& in) {
  const double n = positive_or_nan(in.params), d = positive_or_nan(in.tokens);
  // Limited data under any other form of N and D: the same repetition terms (data.hpp).
  if (in.unique_tokens > 0 && is_params_tokens_law(form) &&
      !std::holds_alternative<DataConstrainedLaw>(form)) {
    const DataTerms t = data_terms(form, n, d, in.unique_tokens);
    return base_loss(form, t.effective_params, t.effective_tokens);
  }
  return std::visit(
      Overloaded{
          [&](const ChinchillaLaw& l) { return chinchilla_loss(l, n, d); },
          [&](const KaplanLaw& l) {
            return std::pow(std::pow(l.n_c / n, l.alpha_n / l.alpha_d) + l.d_c / d, l.alpha_d);
          },
          [&](const OvertrainingLaw& l) {
            const double c = 6 * n * d, m = d / n;
            return l.e +
                   (l.a * std::pow(m, l.eta) + l.b * std::pow(m, -l.eta)) * std::pow(c, -l.eta);
          },
          [&](const DataConstrainedLaw& l) {
            return data_constrained_loss(l, n, d, in.unique_tokens);
          },
          [&](const ComputeLaw& l) { return l.e + l.a / std::pow(compute_of(in), l.alpha); },
          [&](const AllocationLaw&) { return kNan; },
          [&](const SaturatingLaw& l) {
            const double c = positive_or_nan(in.flops) / l.compute_unit_flops;
            return l.a * std::pow(c + l.b, l.c) + l.d;
          },
          [&](const PowerLaw& l) {
            const double x = l.variable == LawVariable::kParams   ? n
                             : l.variable == LawVariable::kTokens ? d
                                                                  : compute_of(in);
            return std::pow(l.x_c / x, l.alpha);
          },
          [&](const SigmoidLaw& l) {
            const double c = positive_or_nan(in.gpu_hours);
            return l.r_0 + (l.a - l.r_0) / (1 + std::pow(l.c_mid / c, l.b));
          },
          [&](const EncoderDecoderLaw& l) {
            return l.alpha * std::pow(l.n_e_ref / positive_or_nan(in.params_encoder), l.p_e) *
                       std::pow(l.n_d_ref / positive_or_nan(in.params_decoder), l.p_d) +
                   l.l_inf;
          },
          [&](const JointMoeLaw& l) { return chinchilla_loss(at_experts(l, 1), n, d); }},
      form);
}

std::vector<std::string> required_inputs(const LawForm& form) {
  return std::visit(
      Overloaded{[](const ComputeLaw&) { return std::vector<std::string>{"flops"}; },
                 [](const AllocationLaw&) { return std::vector<std::string>{"flops"}; },
                 [](const SaturatingLaw&) { return std::vector<std::string>{"flops"}; },
                 [](const PowerLaw& l) {
                   return std::vector<std::string>{l.variable == LawVariable::kParams   ? "params"
                                                   : l.variable == LawVariable::kTokens ? "tokens"
                                                                                        : "flops"};
                 },
                 [](const SigmoidLaw&) { return std::vector<std::string>{"gpu_hours"}; },
                 [](const EncoderDecoderLaw&) {
                   return std::vector<std::string>{"params_encoder", "params_decoder"};
                 },
                 [](const auto&) {
                   return std::vector<std::string>{"params", "tokens"};
                 }},
      form);
}

double loss(const LawForm& form, double params, double tokens) {
  if (const auto* c = std::get_if<ChinchillaLaw>(&form)) return chinchilla_loss(*c, params, tokens);
  return evaluate(form, {.params = params, .tokens = tokens});
}

LogGradient loss_log_gradient(const LawForm& form, double params, double tokens) {
  const auto chinchilla = [&](const ChinchillaLaw& l) {
    return LogGradient{-l.alpha * l.a / std::pow(params, l.alpha),
                       -l.beta * l.b / std::pow(tokens, l.beta)};
  };
  return std::visit(
      Overloaded{chinchilla,
                 [&](const KaplanLaw& l) {
                   const double x = std::pow(l.n_c / params, l.alpha_n / l.alpha_d);
                   const double y = l.d_c / tokens;
                   const double outer = l.alpha_d * std::pow(x + y, l.alpha_d - 1);
                   return LogGradient{outer * x * -(l.alpha_n / l.alpha_d), outer * -y};
                 },
                 [&](const OvertrainingLaw& l) { return chinchilla(to_chinchilla(l)); },
                 [&](const JointMoeLaw& l) { return chinchilla(at_experts(l, 1)); },
                 [&](const DataConstrainedLaw& l) {
                   // Every token unique: D' = D and U_N = min(N_opt(D), N) with
                   // d log N_opt(D) / d log D = beta / alpha.
                   const ChinchillaLaw& b = l.base;
                   const double u = unique_params(b, params, tokens);
                   const double r = excess_params(params, u);
                   const double decay = std::exp(-r / l.r_n_star);
                   const double n_eff = effective_params(b, params, tokens, l.r_n_star);
                   const double dl_dlog_neff = -b.alpha * b.a / std::pow(n_eff, b.alpha);
                   LogGradient g{dl_dlog_neff * params * decay / n_eff,
                                 -b.beta * b.b / std::pow(tokens, b.beta)};
                   if (r > 0) {
                     const double dneff_du =
                         1 - l.r_n_star * std::expm1(-r / l.r_n_star) - params / u * decay;
                     g.d_log_tokens += dl_dlog_neff * u / n_eff * dneff_du * b.beta / b.alpha;
                   }
                   return g;
                 },
                 [](const auto&) { return LogGradient{}; }},
      form);
}

// Hoffmann et al. 2022, Eq. 4 (C = 6 N D).
Allocation chinchilla_compute_optimal(const ChinchillaLaw& law, double flops) {
  const double sum = law.alpha + law.beta;
  const double g = std::pow(law.alpha * law.a / (law.beta * law.b), 1.0 / sum);
  const double params = g * std::pow(flops / 6.0, law.beta / sum);
  const double tokens = std::pow(flops / 6.0, law.alpha / sum) / g;
  return {params, tokens, loss(law, params, tokens)};
}

Allocation compute_optimal(const LawForm& form, double flops) {
  if (const auto c = as_chinchilla(form)) {
    // A data-constrained law with every token unique has the base law's optimum: the base
    // optimum has N = N_opt(D), where N' = N and D' = D, and elsewhere N' <= N.
    Allocation a = chinchilla_compute_optimal(*c, flops);
    a.loss = loss(form, a.params, a.tokens);
    return a;
  }
  if (const auto* a = std::get_if<AllocationLaw>(&form)) {
    // DeepSeek's M is FLOPs per token: 6 N per token is the 6N approximation (Kaplan Sec. 2.1).
    const double scale = a->params_coef * std::pow(flops, a->params_exp);
    return {a->flops_per_token ? scale / 6 : scale, a->tokens_coef * std::pow(flops, a->tokens_exp),
            kNan};
  }
  if (!std::holds_alternative<KaplanLaw>(form)) return {kNan, kNan, kNan};
  const auto at = [&](double log_n) {
    const double n = std::exp(log_n);
    return loss(form, n, flops / (6 * n));
  };
  double lo = std::log(1e3), hi = std::log(std::max(1e4, std::sqrt(flops / 6) * 1e3));
  const double phi = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 200 && hi - lo > 1e-10; ++i) {
    const double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    (at(x1) < at(x2) ? hi : lo) = at(x1) < at(x2) ? x2 : x1;
  }
  const double n = std::exp((lo + hi) / 2);
  return {n, flops / (6 * n), loss(form, n, flops / (6 * n))};
}

std::optional<LossInterval> loss_interval(const Law& law, double params, double tokens,
                                          double coverage) {
  std::vector<double> losses;
  losses.reserve(law.samples.size());
  for (const LawForm& s : law.samples) losses.push_back(loss(s, params, tokens));
  return loss_quantiles(std::move(losses), coverage);
}

std::optional<LossInterval> loss_quantiles(std::vector<double> losses, double coverage) {
  if (losses.empty()) return std::nullopt;
  std::sort(losses.begin(), losses.end());
  const auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(losses.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, losses.size() - 1);
    return losses[lo] + (pos - static_cast<double>(lo)) * (losses[hi] - losses[lo]);
  };
  const double tail = (1 - coverage) / 2;
  return LossInterval{quantile(tail), quantile(1 - tail)};
}

Extrapolation extrapolation(const FitRange& range, double params, double tokens) {
  const auto factor = [](double lo, double hi, double x) {
    if (lo <= 0 || hi <= 0) return 1.0;
    return std::max({1.0, x / hi, lo / x});
  };
  return {factor(range.params_min, range.params_max, params),
          factor(range.tokens_min, range.tokens_max, tokens)};
}

SearchBounds search_domain(const Law& law, std::optional<double> flops) {
  // The former fixed domain, [1e7, 1e14] params x [1e8, 1e16] tokens: its upper ends stay (a
  // budget may buy more than any law was fitted on; plan warns when it extrapolates), its lower
  // ends apply only to a law that says nothing about its range.
  double n_lo = law.range.params_min > 0 ? law.range.params_min : 1e7 * kDomainWideningBelow;
  double d_lo = law.range.tokens_min > 0 ? law.range.tokens_min : 1e8 * kDomainWideningBelow;
  double n_hi = std::max(law.range.params_max, 1e14 / kDomainWideningAbove);
  double d_hi = std::max(law.range.tokens_max, 1e16 / kDomainWideningAbove);
  if (flops && *flops > 0 && is_params_tokens_law(law.form)) {
    const Allocation a = compute_optimal(law.form, *flops);
    if (std::isfinite(a.params) && std::isfinite(a.tokens) && a.params > 0 && a.tokens > 0) {
      n_lo = std::min(n_lo, a.params);
      n_hi = std::max(n_hi, a.params);
      d_lo = std::min(d_lo, a.tokens);
      d_hi = std::max(d_hi, a.tokens);
    }
  }
  return {std::max(kDomainParamsFloor, n_lo / kDomainWideningBelow), n_hi * kDomainWideningAbove,
          std::max(kDomainTokensFloor, d_lo / kDomainWideningBelow), d_hi * kDomainWideningAbove};
}

}  // namespace scaleplan
