#include "scaleplan/model/memory.hpp"

#include <algorithm>

namespace scaleplan {

// Korthikanti et al. 2022, Sec. 4.1 and Table 2.
double layer_activation_bytes(const Shape& s, int seq_len, const Layout& l) {
  const double t = l.tensor_parallel;
  const double seq = static_cast<double>(seq_len) / l.context_parallel;
  const double sb = seq * l.micro_batch_size;
  const double h = s.d_model, f = active_ffn_hidden(s);
  const double d_attn = static_cast<double>(s.n_head) * head_dim(s);
  const double full_layer_input = 2 * sb * h / (l.sequence_parallel ? t : 1);
  if (l.recompute == Recompute::kFull) return full_layer_input;

  // Split over tensor-parallel ranks: Q, K, V, the attention output, the FFN's inner tensors.
  double split = 2 * sb * d_attn + 4 * sb * kv_width(s) + 2 * sb * d_attn +
                 (s.ffn_kind == FfnKind::kSwiglu ? 6 : 4) * sb * f;
  if (l.flash_attention) {
    split += 4 * sb * s.n_head;  // fp32 log-sum-exp per query and head
  } else if (l.recompute != Recompute::kSelective) {
    split += 5.0 * s.n_head * seq * seq_len * l.micro_batch_size;  // scores, mask, dropout
  }
  // An MoE's dispatched and combined tokens, top_k copies of each (2 bytes each, 2 buffers).
  if (is_moe(s)) split += 4.0 * s.moe.top_k * sb * h;
  // Norm inputs (2 x 2sbh), QKV and MLP inputs (2 x 2sbh), dropout masks (2 x sbh).
  const double replicated = 10 * sb * h;
  return split / t + replicated / (l.sequence_parallel ? t : 1);
}

LayerActivations layer_activations(const Shape& s, int seq_len, const Layout& l) {
  LayerActivations a{layer_activation_bytes(s, seq_len, l), 0};
  if (l.recompute == Recompute::kFull) {
    Layout kept = l;
    kept.recompute = Recompute::kNone;
    a.working = layer_activation_bytes(s, seq_len, kept);
  }
  return a;
}

MemoryUse training_memory(const Shape& s, int seq_len, const Layout& l, int micro_batches) {
  return training_memory(layer_activations(s, seq_len, l), s, seq_len, l, micro_batches);
}

MemoryUse training_memory(const LayerActivations& layer, const Shape& s, int seq_len,
                          const Layout& l, int micro_batches) {
  const double t = l.tensor_parallel, p = l.pipeline_parallel, dp = sharding_ranks(l);
  const double layers = layers_per_stage(s, l);
  const double embedding = static_cast<double>(s.vocab) * s.d_model / t;
  // Routed experts are split over the expert-parallel ranks; ZeRO shares out their states over
  // the ranks that hold the same experts (Megatron-Core's expert data parallelism).
  const double ep = l.expert_parallel, expert_dp = expert_sharding_ranks(l);
  const double experts = layers * routed_expert_params(s) / (t * ep);
  const double dense =
      layers * (layer_params(s) - routed_expert_params(s)) / t + embedding * (p == 1 ? 2 : 1);

  MemoryUse m;
  const auto sharded = [&](double bytes_per_param, int from_stage) {
    const bool shard = l.zero_stage >= from_stage;
    return bytes_per_param * (dense / (shard ? dp : 1) + experts / (shard ? expert_dp : 1));
  };
  m.weights = sharded(kWeightBytes, 3);
  m.gradients = sharded(kGradientBytes, 2);
  m.optimizer = sharded(kOptimizerStateBytes, 1);
  if (l.zero_stage >= 3)
    m.buffers = 2 * (layer_params(s) - routed_expert_params(s) * (1 - 1 / ep)) / t * kWeightBytes;

  const double per_layer = layer.kept, working_layer = layer.working;
  double in_flight = std::min<double>(micro_batches, p);
  if (l.virtual_stages > 1) in_flight *= 1 + (p - 1) / (p * l.virtual_stages);
  const double sb = static_cast<double>(seq_len) / l.context_parallel * l.micro_batch_size;
  const double logits = 4 * sb * s.d_model / t * (1 + static_cast<double>(s.vocab) / s.d_model);

  const double first_stage = layers * per_layer * in_flight + working_layer;
  const double last_stage = layers * per_layer + working_layer + logits;
  m.activations = p == 1 ? last_stage : std::max(first_stage, last_stage);
  return m;
}

double usable_memory_bytes(const Gpu& gpu) {
  return gpu.memory_gib * kGib * (1 - kMemoryReserveFraction);
}

}  // namespace scaleplan
