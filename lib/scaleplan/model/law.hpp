#pragma once
/// Scaling laws: what a metric (usually test loss in nats per token) does as model size N,
/// training tokens D or compute C grow. Most forms are L(N, D) laws the planner searches; some
/// predict from compute alone or are not about text (docs/laws.md lists each with its source).

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace scaleplan {

/// Chinchilla parametric form, Hoffmann et al. 2022, Sec. 3.3 (Eq. 2):
/// L(N, D) = E + A / N^alpha + B / D^beta.
struct ChinchillaLaw {
  double e = 0, a = 0, b = 0, alpha = 0, beta = 0;
};

/// Kaplan et al. 2020, Eq. 1.5 (= 4.1): L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D.
struct KaplanLaw {
  double n_c = 0, d_c = 0, alpha_n = 0, alpha_d = 0;
};

/// Gadre et al. 2024, Eq. 4 (over-training): L(C, M) = E + (a M^eta + b M^-eta) C^-eta with
/// C = 6 N D and the token multiplier M = D / N. Algebraically the Chinchilla form with
/// alpha = beta = 2 eta, A = a 6^-eta, B = b 6^-eta (to_chinchilla).
struct OvertrainingLaw {
  double e = 0, a = 0, b = 0, eta = 0;
};

/// Muennighoff et al. 2023, Eq. 5-6 (repeated data): the Chinchilla form evaluated at the
/// effective data D' and effective parameters N' of scaleplan/model/data.hpp, with the decay
/// constants R_D* and R_N*. Without a unique-token count every token is unique (U_D = D).
struct DataConstrainedLaw {
  ChinchillaLaw base;
  double r_d_star = 0, r_n_star = 0;
};

/// Loss against compute alone, L(C) = E + A / C^alpha (C = 6 N D FLOPs unless given): the form
/// Porian et al. 2024 fit to the compute-optimal frontier. Says nothing about how to split C.
struct ComputeLaw {
  double e = 0, a = 0, alpha = 0;
};

/// Compute-optimal allocation as power laws of compute, no loss: N* = k_N C^a_N and
/// D* = k_D C^a_D (Porian et al. 2024's tuned law; DeepSeek 2024 Eq. 4, where the model scale is
/// M, non-embedding FLOPs per token, and C = M D). DeepSeek's Eq. 1 adds the optimal learning
/// rate eta = k_lr C^a_lr and batch size B = k_B C^a_B (tokens), kept when lr_coef > 0.
struct AllocationLaw {
  double params_coef = 0, params_exp = 0, tokens_coef = 0, tokens_exp = 0;
  bool flops_per_token = false;  ///< the model scale is M (FLOPs per token), not N
  double lr_coef = 0, lr_exp = 0, batch_coef = 0, batch_exp = 0;
};

/// Nezhurina et al. 2025 (CLIP, MaMMUT): error rate E(C) = a (C + b)^c + d with C in units of
/// `compute_unit_flops` (GFLOPs: 1e9); c < 0.
struct SaturatingLaw {
  double a = 0, b = 0, c = 0, d = 0;
  double compute_unit_flops = 1e9;
};

/// What a one-variable law is a function of.
enum class LawVariable { kParams, kTokens, kFlops };

/// One-variable power law L(X) = (X_c / X)^alpha (Kaplan et al. 2020, Eq. 1.1-1.3; Yao et al.
/// 2024 for time-series foundation models, with X one of N, D, C).
struct PowerLaw {
  double x_c = 0, alpha = 0;
  LawVariable variable = LawVariable::kParams;
};

/// ScaleRL (Khatri et al. 2025): the pass rate after C GPU-hours of RL,
/// R(C) = R_0 + (A - R_0) / (1 + (C_mid / C)^B). No published constants are shipped.
struct SigmoidLaw {
  double r_0 = 0, a = 0, c_mid = 0, b = 0;
};

/// Ghorbani et al. 2021 (neural machine translation, encoder-decoder):
/// L = alpha (N_e_ref / N_e)^p_e (N_d_ref / N_d)^p_d + L_inf. No constants are shipped.
struct EncoderDecoderLaw {
  double alpha = 0, n_e_ref = 0, p_e = 0, n_d_ref = 0, p_d = 0, l_inf = 0;
};

/// Ludziejewski et al. 2025, Eq. 6 (joint dense and MoE law): L(N_act, D, E) =
/// a Ê^delta N_act^(alpha + gamma ln Ê) + b Ê^omega D^(beta + zeta ln Ê) + c, with Ê the
/// transformed expert count of Eq. 4 (Clark et al. 2022), alpha and beta negative as printed,
/// N_act the active parameters with embeddings (App. A.1) and E = 1 a dense model. For a fixed E
/// it is the Chinchilla form (Table 4): `at_experts`. Fitted on top-1 Switch experts as wide as
/// the dense FFN (Sec. 5.1). Evaluated as a form of N and D alone, it is the dense member (E = 1).
struct JointMoeLaw {
  double a = 0, alpha = 0, delta = 0, gamma = 0, b = 0, beta = 0, omega = 0, zeta = 0;
  double e_start = 0, e_max = 0, c = 0;
};

using LawForm =
    std::variant<ChinchillaLaw, KaplanLaw, OvertrainingLaw, DataConstrainedLaw, ComputeLaw,
                 AllocationLaw, SaturatingLaw, PowerLaw, SigmoidLaw, EncoderDecoderLaw,
                 JointMoeLaw>;

/// Ludziejewski et al. 2025, Eq. 4 (after Clark et al. 2022):
/// 1/Ê = 1/(E - 1 + (1/E_start - 1/E_max)^-1) + 1/E_max.
double transformed_experts(const JointMoeLaw& law, double experts);
/// The joint law at E experts as the Chinchilla form (Ludziejewski et al. 2025, Table 4):
/// E = c, A = a Ê^delta, alpha = -(alpha + gamma ln Ê), B = b Ê^omega, beta = -(beta + zeta ln Ê).
ChinchillaLaw at_experts(const JointMoeLaw& law, double experts);
/// The form a run with `experts` routed experts (0 or 1: dense) sees: the joint MoE law at E,
/// every other form unchanged (they know no experts).
LawForm form_at_experts(const LawForm& form, double experts);
/// Whether the form has an expert term (the joint MoE law); dense-only laws see an MoE's active
/// parameters alone.
bool knows_experts(const LawForm& form);
/// Whether the form's N counts embedding parameters (the joint MoE law, App. A.1); the others
/// are given the non-embedding count, as the planner always has.
bool counts_embeddings(const LawForm& form);

/// The fitted range of the joint MoE law in experts (Ludziejewski et al. 2025, App. E: E <= 32,
/// top-1 routing).
inline constexpr double kJointMoeMaxExperts = 32;

/// The law `plan`, `check`, `frontier`, `predict` and `isoflop` use when none is named: Epoch AI's
/// replication of Chinchilla's Approach 3 (Besiroglu et al. 2024), the law that reproduces the
/// Chinchilla model (5.76e23 FLOPs -> 72B parameters on 1.33T tokens, the paper's 70B on 1.4T).
/// Approach 3's printed constants (`hoffmann2022`) are inconsistent with the paper's Approaches 1
/// and 2 and with that model (Besiroglu et al. 2024): they plan 2.2-2.7x smaller models on
/// 2.2-2.7x more tokens at 5.76e23-1e25 FLOPs (93-122 tokens per parameter), so they remain a
/// preset, not the default.
inline constexpr const char* kDefaultLaw = "besiroglu2024";

/// Range a law was fitted on (for extrapolation warnings and the planner's search domain);
/// 0 where unknown.
struct FitRange {
  double params_min = 0, params_max = 0, tokens_min = 0, tokens_max = 0;
  double flops_min = 0, flops_max = 0;
  double experts_max = 0;  ///< the most experts an MoE law was fitted on (0: no expert term)
};

/// A law with its provenance. `samples` are bootstrap parameter vectors of the same form (empty
/// for the literature presets); they give the predicted-loss interval.
struct Law {
  std::string name;
  std::string source;
  LawForm form;
  FitRange range;
  std::vector<LawForm> samples;
  std::string domain = "text";                   ///< text, vision-language, time series, ...
  std::string metric = "loss (nats per token)";  ///< what the law predicts, with its unit
  std::string status;  ///< how its constants were checked ("paper", "refit", ...)
};

/// The quantities a law can be evaluated at; 0 means not given.
struct LawInputs {
  double params = 0, tokens = 0, flops = 0, unique_tokens = 0, gpu_hours = 0;
  double params_encoder = 0, params_decoder = 0;
};

/// The metric the form predicts at `in` (NaN when an input it needs is missing; forms of
/// compute take C = 6 N D when `flops` is not given, and AllocationLaw predicts no metric).
double evaluate(const LawForm& form, const LawInputs& in);

/// The inputs a form needs, by their names in LawInputs ("params", "tokens", "flops", ...).
std::vector<std::string> required_inputs(const LawForm& form);

/// True for the forms of loss in N and D that the planner can search (Chinchilla, Kaplan,
/// over-training, data-constrained).
bool is_params_tokens_law(const LawForm& form);

/// Predicted loss of the form at N params and D tokens (every token unique).
double loss(const LawForm& form, double params, double tokens);
inline double loss(const Law& law, double params, double tokens) {
  return loss(law.form, params, tokens);
}

/// Gadre et al.'s Eq. 4 as the Chinchilla form it equals: alpha = beta = 2 eta,
/// A = a 6^-eta, B = b 6^-eta (C^-eta M^eta = 6^-eta N^-2eta, C^-eta M^-eta = 6^-eta D^-2eta).
ChinchillaLaw to_chinchilla(const OvertrainingLaw& law);
/// The inverse: eta = alpha / 2, a = A 6^eta, b = B 6^eta; needs alpha == beta.
OvertrainingLaw to_overtraining(const ChinchillaLaw& law);
/// The Chinchilla form of a form that has one (Chinchilla, over-training, the data-constrained
/// base), for the closed forms that need it.
std::optional<ChinchillaLaw> as_chinchilla(const LawForm& form);

/// Gradient of the loss with respect to (log N, log D) (forms of N and D; 0 otherwise).
struct LogGradient {
  double d_log_params = 0, d_log_tokens = 0;
};
LogGradient loss_log_gradient(const LawForm& form, double params, double tokens);

/// Compute-optimal allocation under C = 6 N D, closed form for the Chinchilla form
/// (Hoffmann et al. 2022, Eq. 4): N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b,
/// G = (alpha A / (beta B))^(1/(alpha+beta)), a = beta/(alpha+beta), b = alpha/(alpha+beta).
struct Allocation {
  double params = 0, tokens = 0, loss = 0;
};
Allocation chinchilla_compute_optimal(const ChinchillaLaw& law, double flops);
/// Any form of N and D: the closed form where there is a Chinchilla form, else a
/// golden-section search over log N with D = C / (6 N); an AllocationLaw gives its N* and D*
/// (loss NaN); forms of compute alone give NaN (they do not split C).
Allocation compute_optimal(const LawForm& form, double flops);

/// Quantiles (q in [0,1]) of the loss predicted by the bootstrap samples; nullopt without samples.
struct LossInterval {
  double low = 0, high = 0;
};
std::optional<LossInterval> loss_interval(const Law& law, double params, double tokens,
                                          double coverage);
/// The central `coverage` interval of a set of predicted losses (linear interpolation between
/// order statistics); nullopt when empty.
std::optional<LossInterval> loss_quantiles(std::vector<double> losses, double coverage);

/// Factors by which (params, tokens) lie outside the fitted range (1 when inside).
struct Extrapolation {
  double params_factor = 1, tokens_factor = 1;
};
Extrapolation extrapolation(const FitRange& range, double params, double tokens);

/// The N and D a planner should search for a law: its fitted range and, given a compute budget,
/// the compute-optimal (N, D) at that budget, widened kDomainWideningBelow below (the factor
/// beyond which plan already warns of extrapolation: smaller runs are not worth predicting) and
/// kDomainWideningAbove above (a budget may buy more than any law was fitted on); never below
/// kDomainParamsFloor / kDomainTokensFloor, and always reaching at least the former fixed upper
/// ends (1e14 params, 1e16 tokens). A law without a range starts at 1e7 params, 1e8 tokens.
struct SearchBounds {
  double params_min = 0, params_max = 0, tokens_min = 0, tokens_max = 0;
};
inline constexpr double kDomainWideningBelow = 10;
inline constexpr double kDomainWideningAbove = 100;
inline constexpr double kDomainParamsFloor = 1e3;
inline constexpr double kDomainTokensFloor = 1e5;
SearchBounds search_domain(const Law& law, std::optional<double> flops);

}  // namespace scaleplan
