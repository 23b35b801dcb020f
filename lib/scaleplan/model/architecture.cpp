#include "scaleplan/model/architecture.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

std::string to_string(FfnKind kind) { return kind == FfnKind::kGelu ? "gelu" : "swiglu"; }

std::optional<FfnKind> parse_ffn_kind(const std::string& name) {
  if (name == "gelu") return FfnKind::kGelu;
  if (name == "swiglu") return FfnKind::kSwiglu;
  return std::nullopt;
}

Shape gpt_shape(int n_layer, int d_model, int n_head, int vocab) {
  return {n_layer, d_model, n_head, n_head, 4 * d_model, FfnKind::kGelu, vocab, Moe{}};
}

bool is_moe(const Shape& s) { return s.moe.experts > 0; }

Shape with_experts(const Shape& dense, int experts, int top_k) {
  Shape s = dense;
  s.moe = {.experts = experts, .top_k = top_k, .shared_experts = 0,
           .expert_hidden = dense.ffn_hidden};
  return s;
}

int head_dim(const Shape& s) { return s.d_model / s.n_head; }

double kv_width(const Shape& s) { return static_cast<double>(s.n_kv_heads) * head_dim(s); }

namespace {
double ffn_matrices(const Shape& s) { return s.ffn_kind == FfnKind::kGelu ? 2 : 3; }
}  // namespace

double attention_params(const Shape& s) {
  const double d = s.d_model;
  return 2 * d * d + 2 * d * kv_width(s);
}

double expert_params(const Shape& s) {
  return ffn_matrices(s) * s.d_model * static_cast<double>(s.moe.expert_hidden);
}

double routed_expert_params(const Shape& s) {
  return is_moe(s) ? s.moe.experts * expert_params(s) : 0;
}

double layer_params(const Shape& s) {
  if (!is_moe(s)) return attention_params(s) + ffn_matrices(s) * s.d_model * s.ffn_hidden;
  return attention_params(s) + static_cast<double>(s.d_model) * s.moe.experts +
         (s.moe.experts + s.moe.shared_experts) * expert_params(s);
}

double active_layer_params(const Shape& s) {
  if (!is_moe(s)) return layer_params(s);
  return attention_params(s) + static_cast<double>(s.d_model) * s.moe.experts +
         (s.moe.top_k + s.moe.shared_experts) * expert_params(s);
}

double active_ffn_hidden(const Shape& s) {
  if (!is_moe(s)) return s.ffn_hidden;
  return static_cast<double>(s.moe.top_k + s.moe.shared_experts) * s.moe.expert_hidden;
}

double non_embedding_params(const Shape& s) { return s.n_layer * active_layer_params(s); }

double total_non_embedding_params(const Shape& s) { return s.n_layer * layer_params(s); }

double embedding_params(const Shape& s) { return 2.0 * s.vocab * s.d_model; }

// Korthikanti et al. 2022 App. A Eq. 7 per token; PaLM App. B.
double model_flops_per_token(const Shape& s, double seq_len) {
  return 6 * non_embedding_params(s) + 12.0 * s.n_layer * s.d_model * seq_len +
         6.0 * s.vocab * s.d_model;
}

ContinuousShape continuous_shape(double params, double aspect_ratio) {
  // params = 12 n_layer d_model^2 with d_model = aspect_ratio n_layer.
  const double n_layer = std::cbrt(params / (12 * aspect_ratio * aspect_ratio));
  return {n_layer, aspect_ratio * n_layer};
}

namespace {

/// round_shape's candidates: n_layer within 25% of the ideal aspect ratio's, heads at the two
/// multiples of the head step nearest the ideal width, each with its error against `params`.
std::vector<std::pair<double, Shape>> shape_candidates(double params, int vocab,
                                                       double aspect_ratio) {
  const double ideal_layers = continuous_shape(params, aspect_ratio).n_layer;
  const bool large = ideal_layers * aspect_ratio / kHeadDim >= kHeadMultipleFrom;
  const double head_step = large ? kHeadMultiple : 1;
  std::vector<std::pair<double, Shape>> out;
  const int lo = std::max(1, static_cast<int>(std::floor(ideal_layers * 0.8)));
  const int hi = std::max(lo, static_cast<int>(std::ceil(ideal_layers * 1.25)));
  for (int n_layer = lo; n_layer <= hi; ++n_layer) {
    const double ideal_heads = std::sqrt(params / (12.0 * n_layer)) / kHeadDim;
    for (double heads : {std::floor(ideal_heads / head_step) * head_step,
                         std::ceil(ideal_heads / head_step) * head_step}) {
      heads = std::max(head_step, heads);
      const int d_model = static_cast<int>(heads) * kHeadDim;
      const Shape shape = gpt_shape(n_layer, d_model, static_cast<int>(heads), vocab);
      // Nearest in parameters first; a quarter weight keeps small models near the aspect ratio.
      const double aspect = static_cast<double>(d_model) / n_layer;
      const double error = std::abs(std::log(non_embedding_params(shape) / params)) +
                           0.25 * std::abs(std::log(aspect / aspect_ratio));
      out.emplace_back(error, shape);
    }
  }
  return out;
}

}  // namespace

std::vector<Shape> shapes_near(double params, int vocab, int count, double aspect_ratio) {
  auto candidates = shape_candidates(params, vocab, aspect_ratio);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Shape> out;
  for (const auto& candidate : candidates) {
    const Shape& shape = candidate.second;  // not a structured binding: lambdas capture it
    if (static_cast<int>(out.size()) == count) break;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const Shape& s) {
      return s.n_layer == shape.n_layer && s.d_model == shape.d_model;
    });
    if (!seen && std::abs(std::log(non_embedding_params(shape) / params)) < 0.05)
      out.push_back(shape);
  }
  if (out.empty()) out.push_back(round_shape(params, vocab, aspect_ratio));
  return out;
}

Shape round_shape(double params, int vocab, double aspect_ratio) {
  const auto candidates = shape_candidates(params, vocab, aspect_ratio);
  return std::min_element(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
           return a.first < b.first;
         })->second;
}

}  // namespace scaleplan
