#pragma once
/// Memory one GPU needs to train a run: model states by ZeRO stage and TP/PP sharding, activations
/// by recomputation with sequence and context parallelism, the in-flight micro-batches of 1F1B,
/// and buffers. The accounting of Korthikanti et al. 2022 (Sec. 4, Table 2) and of Megatron-LM's
/// theoretical memory formula (megatron/training/theoretical_memory_usage.py).

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/layout.hpp"

namespace scaleplan {

/// Bytes per GPU of the fullest pipeline stage, by part.
struct MemoryUse {
  double weights = 0, gradients = 0, optimizer = 0, activations = 0, buffers = 0;
  double total() const { return weights + gradients + optimizer + activations + buffers; }
};

/// Model states: 2-byte weights, 4-byte fp32 main gradients, 12 bytes of fp32 master weights and
/// Adam moments per parameter (Megatron: 18 bytes, 6 + 12/dp with the distributed optimizer;
/// ZeRO Sec. 3.1 counts 2-byte gradients, 16). ZeRO 1 shards the 12 over the data- and
/// context-parallel ranks (they hold the same weights), ZeRO 2 also the gradients, ZeRO 3 also the
/// weights. An MoE's routed experts are divided by expert parallelism first, and their states
/// shared out over the ranks that hold the same experts (data x context / expert parallel).
inline constexpr double kWeightBytes = 2;
inline constexpr double kGradientBytes = 4;  ///< also what data parallelism reduces (fp32)
inline constexpr double kOptimizerStateBytes = 12;

/// Activations of one layer for one micro-batch, bytes (Korthikanti et al. 2022 Sec. 4.1,
/// generalised to GQA and SwiGLU): attention 11 s b h + 5 a s^2 b, MLP 19 s b h, norms 4 s b h
/// for the GPT shape; tensor parallelism divides all but 10 s b h (norm and residual inputs,
/// dropout masks), sequence parallelism divides those too; FlashAttention stores no s x s
/// scores (only fp32 softmax statistics); selective recomputation drops the scores; full
/// recomputation keeps the layer input only. Context parallelism divides the sequence. An MoE's
/// FFN tensors are those of its top_k + shared experts, plus the dispatched and combined tokens
/// (2 buffers of top_k s b h).
double layer_activation_bytes(const Shape& shape, int seq_len, const Layout& layout);

/// One layer's bytes for one micro-batch: what the layout keeps until the backward pass, and the
/// working set full recomputation rebuilds one layer at a time (0 otherwise).
struct LayerActivations {
  double kept = 0, working = 0;
};
LayerActivations layer_activations(const Shape& shape, int seq_len, const Layout& layout);

/// The whole picture for `micro_batches` micro-batches per step: the first stage of 1F1B holds
/// min(m, p) micro-batches in flight, times 1 + (p - 1)/(p v) when interleaved (Korthikanti Sec.
/// 4.2.3); the last stage holds the fp32 logits, 4 s b h/t (1 + V/h) bytes (Megatron); ZeRO 3
/// keeps two layers gathered. Returns the larger of the first and last stage.
MemoryUse training_memory(const Shape& shape, int seq_len, const Layout& layout,
                          int micro_batches);
/// The same with the layer's activations already known (they do not depend on the GPU count).
MemoryUse training_memory(const LayerActivations& layer, const Shape& shape, int seq_len,
                          const Layout& layout, int micro_batches);

/// Bytes a GPU can give a run: the usable capacity it reports (GiB) less a reserve for the CUDA
/// context, NCCL buffers and allocator fragmentation (ASSUMPTION: 8%, within the 1-3 GiB plus
/// fragmentation that frameworks lose; shared/REFERENCES.md, "Usable memory").
inline constexpr double kMemoryReserveFraction = 0.08;
double usable_memory_bytes(const Gpu& gpu);

inline constexpr double kGib = 1024.0 * 1024.0 * 1024.0;

}  // namespace scaleplan
