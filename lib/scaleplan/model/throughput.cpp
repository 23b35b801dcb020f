#include "scaleplan/model/throughput.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {
namespace {

/// Bytes of one activation element: 4 for fp32/tf32 training, else 2 (bf16).
double activation_bytes(Precision p) {
  return p == Precision::kFp32 || p == Precision::kTf32 ? 4 : 2;
}

double memory_bound_seconds(double bytes, double kernels, const Gpu& gpu) {
  return bytes / (gpu.mem_bw_tbps * 1e12 * kMemoryBoundFraction) + kernels * kKernelOverheadS;
}

/// All-gather or reduce-scatter of a `bytes`-sized (gathered) buffer.
double gather_seconds(double bytes, int ranks, const Link& link) {
  if (ranks <= 1) return 0;
  return link.ring_latency_s + static_cast<double>(ranks - 1) / ranks * bytes / link.bytes_per_s;
}

}  // namespace

// fp32 training on tensor cores: PyTorch's allow_tf32 (NVIDIA's TF32 default in NGC containers).
Precision matmul_precision(const Gpu& gpu, Precision p) {
  if (p == Precision::kFp32 && gpu.tflops.count(Precision::kTf32)) return Precision::kTf32;
  return p;
}

LayerCost layer_cost(const Shape& s, int seq_len, const Layout& l, const Gpu& gpu, Precision p) {
  const double tp = l.tensor_parallel, cp = l.context_parallel;
  const double tokens = static_cast<double>(l.micro_batch_size) * seq_len / cp;
  const double d = s.d_model, f = active_ffn_hidden(s);
  const bool moe = is_moe(s);
  const double d_attn = static_cast<double>(s.n_head) * head_dim(s);
  const double e = activation_bytes(p);
  const bool swiglu = s.ffn_kind == FfnKind::kSwiglu;
  const Precision mp = matmul_precision(gpu, p);
  LayerCost c;

  // GEMMs (Megatron's column/row split: each rank holds 1/tp of every weight matrix).
  const double qkv = matmul_seconds(tokens, (d_attn + 2 * kv_width(s)) / tp, d, gpu, mp);
  const double out = matmul_seconds(tokens, d, d_attn / tp, gpu, mp);
  double ffn = 0;
  if (!moe) {
    ffn = matmul_seconds(tokens, (swiglu ? 2 : 1) * f / tp, d, gpu, mp) +
          matmul_seconds(tokens, d, f / tp, gpu, mp);
  } else {
    // Router (tokens x experts logits), shared experts as dense GEMMs, and the routed experts as
    // one grouped GEMM of tokens x top_k rows at kGroupedGemmEfficiency of a dense GEMM's rate.
    const double shared = static_cast<double>(s.moe.shared_experts) * s.moe.expert_hidden;
    ffn = matmul_seconds(tokens, s.moe.experts, d, gpu, mp);
    if (shared > 0)
      ffn += matmul_seconds(tokens, (swiglu ? 2 : 1) * shared / tp, d, gpu, mp) +
             matmul_seconds(tokens, d, shared / tp, gpu, mp);
    const MatmulCurve& curve = gpu.matmul.at(mp);
    const double routed_flops = 2 * tokens * s.moe.top_k * expert_params(s) / tp;
    ffn += routed_flops / (peak_flops_per_s(gpu, mp) * curve.fraction * kGroupedGemmEfficiency) +
           curve.overhead_s;
  }
  c.forward.gemm_s = qkv + out + ffn;
  c.backward.gemm_s = 2 * c.forward.gemm_s;  // input and weight gradients

  // Attention core. FlashAttention: causal, half the s x s products, at its measured fraction of
  // the bf16 peak. Materialised: two batched matmuls over the full score matrix and a fused
  // softmax plus dropout over it in memory (Korthikanti et al. 2022, Sec. 4.1).
  const double heads = s.n_head / tp;
  const double score_flops = 4 * tokens * seq_len * d_attn / tp;  // QK^T and AV, full matrix
  double softmax_bytes = 0;
  const bool eager = l.kernels == Kernels::kEager;
  if (l.flash_attention) {
    const double rate = peak_flops_per_s(gpu, attention_precision(gpu)) * gpu.attention_fraction *
                        (eager ? kEagerAttentionFactor : 1);
    c.forward.attention_s = 0.5 * score_flops / rate;
    c.backward.attention_s = kAttentionBackwardRatio * c.forward.attention_s;
  } else {
    const Precision half = attention_precision(gpu);
    const MatmulCurve& curve = gpu.matmul.at(half);
    c.forward.attention_s =
        score_flops / (peak_flops_per_s(gpu, half) * curve.fraction) +
        2 * curve.overhead_s;
    c.backward.attention_s = 2 * c.forward.attention_s;
    softmax_bytes = tokens * seq_len * heads * (4 * e + 1);  // softmax, dropout and its mask
  }

  // Memory-bound kernels per token: 2 norms (read, write d), 2 residual adds with dropout (read
  // 2d, write d, a 1-byte mask), the activation function on the FFN width. Norms and residual
  // adds run on tokens / tp with sequence parallelism, on every token of every TP rank without.
  const double sp_tokens = l.sequence_parallel ? tokens / tp : tokens;
  double bytes = sp_tokens * (2 * 2 * d * e + 2 * (3 * d * e + d)) +
                 tokens * (swiglu ? 3 : 2) * e * f / tp + softmax_bytes;
  // An MoE permutes each token's top_k copies to their experts and back (read and write).
  if (moe) bytes += 4 * tokens * s.moe.top_k * d * e;
  if (eager) bytes *= kEagerMemoryTrafficFactor;
  double kernels = l.flash_attention ? 5 : 7;
  if (p == Precision::kFp8 || p == Precision::kFp4) {
    // Casting each GEMM input to 8 bits: read e bytes, write 1 (Transformer Engine).
    bytes += tokens * (e + 1) * (2 * d + d_attn / tp + f / tp);
    kernels += 4;
  }
  c.forward.memory_s = memory_bound_seconds(bytes, kernels, gpu);
  c.backward.memory_s = memory_bound_seconds(2 * bytes, 2 * kernels, gpu);

  // Tensor parallelism: with sequence parallelism 2 all-gathers and 2 reduce-scatters per pass,
  // else 2 all-reduces (Korthikanti Sec. 4.2.2), of the tokens x d activations; not overlapped.
  if (l.tensor_parallel > 1) {
    const Link link = collective_link(gpu, l.tensor_parallel, 1);
    const double message = tokens * d * e;
    const double pass = l.sequence_parallel
                            ? 4 * gather_seconds(message, l.tensor_parallel, link)
                            : 2 * all_reduce_seconds(message, l.tensor_parallel, link);
    c.forward.tp_comm_s = pass;
    c.backward.tp_comm_s = pass;
  }
  // Expert parallelism: each MoE layer dispatches every token's top_k copies to the ranks that
  // hold their experts and combines the results back, an all-to-all each way in the forward and
  // again in the backward (GShard, Lepikhin et al. 2020; Megatron-Core's token dispatcher), the
  // dispatch in FP8 under fp8 training (DeepSeek-V3 Sec. 3.3.3), node-limited where the routing
  // is (Sec. 3.2.2); exposed unless the layout overlaps it (below, after the recomputation).
  if (moe && l.expert_parallel > 1) {
    const auto traffic = [&](double element_bytes) {
      return expert_all_to_all_traffic(sp_tokens, s.moe.top_k, d * element_bytes,
                                       l.expert_parallel, l.tensor_parallel * l.context_parallel,
                                       gpu.gpus_per_node, s.moe.max_nodes_per_token);
    };
    const double pass = all_to_all_seconds(traffic(dispatch_bytes_per_element(p)), gpu) +
                        all_to_all_seconds(traffic(combine_bytes_per_element(p)), gpu);
    c.forward.ep_comm_s = pass;
    c.backward.ep_comm_s = pass;
  }
  // Context parallelism: a ring passes K and V (and their gradients backward) cp - 1 times,
  // overlapped with the attention it feeds (Liu et al. 2023, ring attention; Megatron-Core's
  // context parallelism is this ring of point-to-point sends).
  if (l.context_parallel > 1) {
    const Link link = point_to_point_link(gpu, l.context_parallel, l.tensor_parallel);
    const double kv = 2 * tokens * std::max(1.0, kv_width(s) / tp) * e;
    const double ring = (cp - 1) * (link.latency_s + kv / link.bytes_per_s);
    c.forward.cp_comm_s = std::max(0.0, ring - c.forward.attention_s);
    c.backward.cp_comm_s = std::max(0.0, 2 * ring - c.backward.attention_s);
  }

  // The output head and cross-entropy (the last stage): fp32 logits are written, read for the
  // softmax and again for its gradient.
  const double head_gemm = matmul_seconds(tokens, s.vocab / tp, d, gpu, mp);
  const double traffic = eager ? kEagerMemoryTrafficFactor : 1;
  const double logits = memory_bound_seconds(traffic * 3 * tokens * s.vocab / tp * 4, 3, gpu);
  c.head_forward_s = head_gemm + logits;
  c.head_backward_s = 2 * head_gemm + logits;
  c.pipeline_message_bytes = tokens * d * e / tp;  // split over TP ranks (Narayanan Sec. 4.1)
  c.expert_weights = routed_expert_params(s) / (tp * l.expert_parallel);
  c.weights = (layer_params(s) - routed_expert_params(s)) / tp + c.expert_weights;

  switch (l.recompute) {
    case Recompute::kNone: break;
    case Recompute::kSelective:  // the attention core again; FlashAttention already does this
      if (!l.flash_attention) {
        c.recompute.attention_s = c.forward.attention_s;
        c.recompute.memory_s = memory_bound_seconds(softmax_bytes, 2, gpu);
      }
      break;
    case Recompute::kFull: c.recompute = c.forward; break;
  }
  // DualPipe: one micro-batch's dispatch and combine (forward, backward and recomputed) hide
  // behind another's kernels in the same layer; what stays exposed is shared out in proportion.
  const double all_to_all = c.forward.ep_comm_s + c.backward.ep_comm_s + c.recompute.ep_comm_s;
  if (l.overlap_expert_parallel && all_to_all > 0) {
    const double kept = exposed_all_to_all_seconds(all_to_all, c.kernels()) / all_to_all;
    for (LayerPass* pass : {&c.forward, &c.backward, &c.recompute}) pass->ep_comm_s *= kept;
  }
  return c;
}

double matmul_seconds(double m, double n, double k, const Gpu& gpu, Precision precision) {
  const MatmulCurve& curve = gpu.matmul.at(precision);
  return 2 * m * n * k / (peak_flops_per_s(gpu, precision) * curve.fraction) + curve.overhead_s;
}

double all_reduce_seconds(double bytes, int ranks, const Link& link) {
  if (ranks <= 1) return 0;
  return link.latency_s + 2.0 * (ranks - 1) / ranks * bytes / link.bytes_per_s;
}

double ring_latency_seconds(int ranks, int nodes) {
  if (ranks <= 1) return 0;
  nodes = std::clamp(nodes, 1, ranks);
  return kRingBaseLatencyS + static_cast<double>(ranks - nodes) * kRingNvlinkStepLatencyS +
         static_cast<double>(nodes - 1) * kRingNetworkStepLatencyS;
}

Link collective_link(const Gpu& gpu, int ranks, int stride) {
  const double scale_up = gpu.nvlink_gbps * 1e9 * kScaleUpBusEfficiency;
  if (static_cast<long long>(ranks) * stride <= gpu.gpus_per_node)
    return {scale_up, kCollectiveLatencyS, ring_latency_seconds(ranks, 1)};
  // Across nodes, each node's members share out its NICs (NCCL's rings use them all).
  const int per_node = std::clamp(gpu.gpus_per_node / stride, 1, ranks);
  const double nodes = std::ceil(static_cast<double>(ranks) / per_node);
  const double scale_out = gpu.scale_out_gbps * 1e9 * kScaleOutBusEfficiency * per_node;
  return {std::min(scale_up, scale_out),
          kCollectiveLatencyS + 2 * std::log2(nodes) * kScaleOutHopLatencyS,
          ring_latency_seconds(ranks, static_cast<int>(nodes))};
}

double all_to_all_seconds(double bytes, int ranks, int stride, const Gpu& gpu) {
  return all_to_all_seconds(expert_all_to_all_traffic(bytes, 1, 1, ranks, stride,
                                                      gpu.gpus_per_node, 0),
                            gpu);
}

AllToAllTraffic expert_all_to_all_traffic(double tokens, int top_k, double token_bytes, int ranks,
                                          int stride, int gpus_per_node,
                                          int max_nodes_per_token) {
  AllToAllTraffic t;
  if (ranks <= 1) return t;
  const double r = ranks, k = top_k, copies = tokens * k * token_bytes;
  // The group's ranks on one node (ranks fill a node first) and the nodes it spans.
  const double per_node =
      std::clamp(static_cast<double>(gpus_per_node / std::max(1, stride)), 1.0, r);
  t.nodes = std::ceil(r / per_node);
  if (t.nodes <= 1 || max_nodes_per_token <= 0) {
    t.scale_out_bytes = (r - per_node) / r * copies;
    t.scale_up_bytes = (per_node - 1) / r * copies;
    return t;
  }
  const double destinations = std::min({k, static_cast<double>(max_nodes_per_token), t.nodes});
  t.scale_out_bytes = tokens * token_bytes * destinations * (t.nodes - 1) / t.nodes;
  t.scale_up_bytes = copies * (per_node - 1) / per_node;
  return t;
}

double all_to_all_seconds(const AllToAllTraffic& t, const Gpu& gpu) {
  if (t.scale_out_bytes <= 0 && t.scale_up_bytes <= 0) return 0;
  const double nvlink = gpu.nvlink_gbps * 1e9 * kAllToAllEfficiency;
  const double nic = gpu.scale_out_gbps * 1e9 * kAllToAllEfficiency;
  const double out = t.scale_out_bytes > 0 ? t.scale_out_bytes / nic : 0;
  return kCollectiveLatencyS + 2 * std::log2(t.nodes) * kScaleOutHopLatencyS +
         std::max(t.scale_up_bytes / nvlink, out);
}

double dispatch_bytes_per_element(Precision p) {
  return p == Precision::kFp8 || p == Precision::kFp4 ? 1 : combine_bytes_per_element(p);
}

double combine_bytes_per_element(Precision p) { return activation_bytes(p); }

double exposed_all_to_all_seconds(double all_to_all_s, double overlapped_compute_s) {
  return std::max(all_to_all_s - overlapped_compute_s, kCommunicationSmShare * all_to_all_s);
}

Link point_to_point_link(const Gpu& gpu, int ranks, int stride) {
  const double scale_up = gpu.nvlink_gbps * 1e9 * kScaleUpBusEfficiency;
  if (static_cast<long long>(ranks) * stride <= gpu.gpus_per_node)
    return {scale_up, kCollectiveLatencyS, kCollectiveLatencyS};
  // A ring's slowest step crosses a node boundary on one NIC (rail-optimised: each GPU's own).
  const double latency = kCollectiveLatencyS + kScaleOutHopLatencyS;
  return {std::min(scale_up, gpu.scale_out_gbps * 1e9 * kScaleOutBusEfficiency), latency,
          latency};
}

// The output head sits on the last stage, the embedding on the first: the fullest stage is the
// last one (equal layer counts, the head's work on top).
MicroBatchTime micro_batch_time(const LayerCost& layer, const Shape& s, const Layout& l) {
  const double layers = layers_per_stage(s, l);
  const double tp = l.tensor_parallel;
  const double head_forward = layer.head_forward_s, head_backward = layer.head_backward_s;
  MicroBatchTime t;
  t.forward_s = layers * layer.forward.total() + head_forward;
  t.ep_comm_s =
      layers * (layer.forward.ep_comm_s + layer.backward.ep_comm_s + layer.recompute.ep_comm_s);
  t.backward_s = layers * (layer.backward.total() + layer.recompute.total()) + head_backward;
  t.compute_s = layers * layer.kernels() + head_forward + head_backward;
  t.tp_comm_s =
      layers * (layer.forward.tp_comm_s + layer.backward.tp_comm_s + layer.recompute.tp_comm_s);
  t.cp_comm_s =
      layers * (layer.forward.cp_comm_s + layer.backward.cp_comm_s + layer.recompute.cp_comm_s);

  t.stage_layers = layers;
  t.pipeline_message_bytes = layer.pipeline_message_bytes;
  t.stage_expert_params = layers * layer.expert_weights;
  t.stage_params = layers * layer.weights + static_cast<double>(s.vocab) * s.d_model / tp *
                                               (l.pipeline_parallel == 1 ? 2 : 1);
  return t;
}

MicroBatchTime micro_batch_time(const Shape& shape, int seq_len, const Layout& layout,
                                const Gpu& gpu, Precision precision) {
  return micro_batch_time(layer_cost(shape, seq_len, layout, gpu, precision), shape, layout);
}

StepTime step_time(const MicroBatchTime& mb, const Layout& l, int micro_batches, const Gpu& gpu) {
  StepTime t;
  const double m = micro_batches;
  // Pipeline: each micro-batch crosses each of its v stage boundaries forward and backward, the
  // activations split over TP ranks (Narayanan Sec. 4.1, scatter/gather); stages are
  // tp x cp x dp ranks apart.
  double pipeline_send = 0;
  if (l.pipeline_parallel > 1) {
    const Link link =
        point_to_point_link(gpu, 2, l.tensor_parallel * l.context_parallel * l.data_parallel);
    pipeline_send = 2 * l.virtual_stages * (link.latency_s + mb.pipeline_message_bytes / link.bytes_per_s);
  }
  const double per_micro_batch = mb.forward_s + mb.backward_s + pipeline_send;
  t.compute_s = m * mb.compute_s;
  t.tp_comm_s = m * mb.tp_comm_s;
  t.cp_comm_s = m * mb.cp_comm_s;
  t.ep_comm_s = m * mb.ep_comm_s;
  t.pp_comm_s = m * pipeline_send;
  t.bubble_s = static_cast<double>(l.pipeline_parallel - 1) / l.virtual_stages * per_micro_batch;

  // Data parallelism: gradients are reduced over the data- and context-parallel ranks (both hold
  // the same weights), spaced tp apart; an MoE's routed experts over the ranks that hold the
  // same experts, spaced tp x expert_parallel apart.
  const int dp = sharding_ranks(l), expert_dp = expert_sharding_ranks(l);
  const double expert_params = mb.stage_expert_params;
  const double dense_params = mb.stage_params - expert_params;
  const auto exposed = [&](double comm, double window) {
    return l.overlap_data_parallel ? std::max(0.0, comm - window) : comm;
  };
  // The collectives for `params` weights over `ranks` ranks, forward and backward.
  struct Pass {
    double forward = 0, backward = 0, once = 0;  ///< per micro-batch (ZeRO 3), per step
    double first_forward = 0, last_backward = 0;  ///< ZeRO 3: the unit prefetching cannot hide
  };
  // ZeRO 3 gathers and scatters one FSDP unit at a time: each layer and the embedding/head.
  const double units = std::max(1.0, mb.stage_layers + 1);
  const auto collectives = [&](double params, int ranks, int stride) {
    Pass c;
    if (ranks <= 1 || params <= 0) return c;
    const Link link = collective_link(gpu, ranks, stride);
    const double grads = params * kGradientBytes, weights = params * kWeightBytes;
    if (l.zero_stage == 3) {  // FSDP: gather weights forward and backward, scatter gradients
      const double gather = gather_seconds(weights / units, ranks, link);
      const double scatter = gather_seconds(grads / units, ranks, link);
      c.forward = units * gather;
      c.backward = units * (gather + scatter);
      c.first_forward = gather;   // the first unit's weights: nothing computes before them
      c.last_backward = scatter;  // the last unit's gradients: nothing computes after them
    } else if (l.zero_stage == 0) {
      c.once = all_reduce_seconds(grads, ranks, link);
    } else {  // reduce-scatter the gradients, all-gather the updated weights
      c.backward = gather_seconds(grads, ranks, link);
      c.forward = gather_seconds(weights, ranks, link);
    }
    return c;
  };
  const Pass a = collectives(dense_params, dp, l.tensor_parallel);
  const Pass b = collectives(expert_params, expert_dp, l.tensor_parallel * l.expert_parallel);
  const double forward = a.forward + b.forward, backward = a.backward + b.backward;
  if (l.zero_stage == 3) {
    const auto unhidden = [&](double comm, double window, double first) {
      return l.overlap_data_parallel ? std::max(first, comm - window) : comm;
    };
    t.dp_comm_s =
        m * (unhidden(forward, mb.forward_s, a.first_forward + b.first_forward) +
             unhidden(backward, mb.backward_s, a.last_backward + b.last_backward));
  } else if (l.zero_stage == 0) {
    t.dp_comm_s = exposed(a.once + b.once, mb.backward_s);
  } else {
    t.dp_comm_s = exposed(backward, mb.backward_s) + exposed(forward, mb.forward_s);
  }
  // Each rank updates its shard.
  const double shard = l.zero_stage >= 1 ? dp : 1, expert_shard = l.zero_stage >= 1 ? expert_dp : 1;
  t.optimizer_s = memory_bound_seconds(
      (dense_params / shard + expert_params / expert_shard) * kOptimizerBytesPerParam, 4, gpu);
  t.overhead_s = kStepOverheadS;
  t.seconds = t.compute_s + t.bubble_s + t.tp_comm_s + t.cp_comm_s + t.ep_comm_s + t.pp_comm_s +
              t.dp_comm_s +
              t.optimizer_s + t.overhead_s;
  return t;
}

StepTime step_time(const Shape& shape, int seq_len, const Layout& layout, int micro_batches,
                   const Gpu& gpu, Precision precision) {
  return step_time(micro_batch_time(shape, seq_len, layout, gpu, precision), layout,
                   micro_batches, gpu);
}

}  // namespace scaleplan
