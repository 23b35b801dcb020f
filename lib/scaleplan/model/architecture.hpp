#pragma once
/// The transformer a run trains: its shape, its parameter counts and its FLOPs per token.

#include <optional>
#include <string>
#include <vector>

namespace scaleplan {

/// The feed-forward block: GELU with two matrices (GPT-2/3) or SwiGLU with three (Shazeer 2020;
/// Llama), which has the same parameter count at ffn_hidden = 8/3 d_model as GELU at 4 d_model.
enum class FfnKind { kGelu, kSwiglu };
std::string to_string(FfnKind kind);
std::optional<FfnKind> parse_ffn_kind(const std::string& name);

/// Vocabulary of a planned model when the budget names none: 32,000 (Llama 1-2; Touvron et al.
/// 2023, Sec. 2.1). An assumption; `model.vocab` overrides it.
inline constexpr int kDefaultVocab = 32000;

/// A Mixture-of-Experts FFN (Shazeer et al. 2017; Switch, Fedus et al. 2022; DeepSeekMoE, Dai et
/// al. 2024): every layer's FFN is `experts` routed experts of `expert_hidden` inner width (the
/// shape's ffn_kind), of which a learned router (a d_model x experts matrix) sends each token to
/// `top_k`, plus `shared_experts` that every token uses. experts == 0: a dense FFN.
struct Moe {
  int experts = 0;
  int top_k = 0;
  int shared_experts = 0;
  int expert_hidden = 0;
  /// Node-limited routing (DeepSeek-V3, Sec. 2.1.2 and 3.2.2): each token goes to the experts of
  /// at most this many nodes, and is sent once per destination node (then forwarded over
  /// NVLink); 0: unlimited, a plain all-to-all of every (token, expert) copy.
  int max_nodes_per_token = 0;
};

/// Decoder-only transformer. Embeddings are untied (input and output matrices, as Llama).
struct Shape {
  int n_layer = 0;
  int d_model = 0;
  int n_head = 0;
  int n_kv_heads = 0;  ///< key/value heads: n_head for multi-head, fewer for GQA/MQA
  int ffn_hidden = 0;  ///< FFN inner width
  FfnKind ffn_kind = FfnKind::kGelu;
  int vocab = kDefaultVocab;
  Moe moe;  ///< experts == 0 for a dense FFN (ffn_hidden); else ffn_hidden is unused
};

bool is_moe(const Shape& s);
/// The Switch-style MoE of a dense shape (Fedus et al. 2022; the experts of Ludziejewski et al.
/// 2025): `experts` experts as wide as the dense FFN, `top_k` of them per token, none shared.
Shape with_experts(const Shape& dense, int experts, int top_k);

/// GPT-style shape: multi-head attention, GELU FFN of 4 d_model (Brown et al. 2020).
Shape gpt_shape(int n_layer, int d_model, int n_head, int vocab = kDefaultVocab);

int head_dim(const Shape& s);
/// Width of K (and of V): n_kv_heads x head_dim.
double kv_width(const Shape& s);

/// Attention weights of one layer: Q and O (d_model^2 each), K and V (d_model x kv_width each).
double attention_params(const Shape& s);
/// One expert's weights: 2 (GELU) or 3 (SwiGLU) matrices of d_model x expert_hidden.
double expert_params(const Shape& s);
/// The routed experts' weights of one layer, experts x expert_params: what expert parallelism
/// shards (0 for a dense shape).
double routed_expert_params(const Shape& s);
/// Weights of one layer: attention plus the FFN (2 or 3 matrices of d_model x ffn_hidden), or for
/// an MoE the router (d_model x experts) and every routed and shared expert. Norms and biases are
/// left out, as Kaplan et al. 2020 (Sec. 2.1) do: 12 d_model^2 for the GPT shape.
double layer_params(const Shape& s);
/// The weights one token uses in a layer: attention, router, its top_k routed and the shared
/// experts (layer_params for a dense shape).
double active_layer_params(const Shape& s);
/// The count scaling laws use (Kaplan's non-embedding N): n_layer x active_layer_params, the
/// active parameters of an MoE (what its FLOPs per token come from; Ludziejewski et al. 2025,
/// App. A.2: 6 N_act per token).
double non_embedding_params(const Shape& s);
/// The FFN width one token passes through: ffn_hidden, or (top_k + shared) x expert_hidden.
double active_ffn_hidden(const Shape& s);
/// Every non-embedding weight, n_layer x layer_params: what memory holds (an MoE's total).
double total_non_embedding_params(const Shape& s);
/// Input embedding plus output head, untied: 2 vocab d_model.
double embedding_params(const Shape& s);

/// Model FLOPs per token of one training step (forward + backward, no recomputation), the
/// convention of Megatron's MFU (Narayanan et al. 2021 / Korthikanti et al. 2022 App. A Eq. 7:
/// 72 B s L h^2 (1 + s/6h + V/12hL)) and of PaLM App. B: 6 non-embedding params + 12 n_layer
/// d_attn seq (attention scores over the full sequence) + 6 vocab d_model (the output head). For
/// an MoE the non-embedding params are the active ones (router included).
double model_flops_per_token(const Shape& s, double seq_len);

/// d_model / n_layer of a planned model when the budget sets none (model.aspect_ratio). GPT-3
/// 175B uses 12288 / 96 = 128 (Brown et al. 2020, Table 2.1); Kaplan et al. 2020 (Sec. 3.1,
/// Fig. 5) find the loss within a few percent over aspect ratios 20-200, so the scaling laws do
/// not price the shape and the choice is a documented convention, not an optimum.
inline constexpr double kAspectRatio = 128;
/// The aspect ratios over which Kaplan et al. 2020 (Sec. 3.1, Fig. 5) measured the loss flat to a
/// few percent: outside it a law's loss, which ignores the shape, is an extrapolation.
inline constexpr double kFlatAspectRatioMin = 20;
inline constexpr double kFlatAspectRatioMax = 200;
/// Head dimension of 128 (GPT-3 175B, Llama 2/3); d_model is rounded to a multiple of it.
inline constexpr int kHeadDim = 128;
/// Models with at least this many heads get a head count divisible by 8, so 8-way tensor
/// parallelism (one NVLink node) splits the heads evenly (Megatron-LM, Shoeybi et al. 2019).
inline constexpr int kHeadMultipleFrom = 16;
inline constexpr int kHeadMultiple = 8;

/// The unrounded GPT shape of an N-parameter model at `aspect_ratio` = d_model / n_layer
/// (N = 12 n_layer d_model^2).
struct ContinuousShape {
  double n_layer = 0, d_model = 0;
};
ContinuousShape continuous_shape(double params, double aspect_ratio = kAspectRatio);

/// The hardware-friendly GPT shape (n_head = d_model / kHeadDim, a multiple of kHeadMultiple for
/// large models) nearest to `params` non-embedding parameters, n_layer within 25% of that of
/// `aspect_ratio`; ties in parameter count go to the shape nearer `aspect_ratio`.
Shape round_shape(double params, int vocab = kDefaultVocab, double aspect_ratio = kAspectRatio);

/// The hardware-friendly GPT shapes within 5% of `params` (round_shape's candidates), nearest
/// first, at most `count`: a planner tries them all, since the nearest in parameters is not
/// always the one whose layout runs best.
std::vector<Shape> shapes_near(double params, int vocab, int count,
                               double aspect_ratio = kAspectRatio);

}  // namespace scaleplan
