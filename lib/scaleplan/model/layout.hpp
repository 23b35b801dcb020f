#pragma once
/// How a run is spread over its GPUs: the parallel layout of Megatron-LM (Narayanan et al. 2021;
/// Korthikanti et al. 2022) with ZeRO stages (Rajbhandari et al. 2020) and context parallelism.

#include <optional>
#include <string>

#include "scaleplan/model/architecture.hpp"

namespace scaleplan {

/// Activation recomputation (Korthikanti et al. 2022, Sec. 5): none keeps every activation;
/// selective recomputes the attention core (its s^2 scores); full keeps only each layer's input
/// and recomputes the whole forward pass in the backward.
enum class Recompute { kNone, kSelective, kFull };
std::string to_string(Recompute r);
std::optional<Recompute> parse_recompute(const std::string& name);

/// How the training stack runs the non-matmul work. fused: Megatron-LM / NeMo / Transformer
/// Engine, with fused norms, activations and attention (the model's calibration: Korthikanti et
/// al. 2022, NVIDIA's DGX benchmarks). eager: one PyTorch kernel per operation (e.g. MosaicML
/// Composer / llm-foundry with FSDP), which moves more bytes and runs attention slower
/// (throughput.hpp: kEagerMemoryTrafficFactor, kEagerAttentionFactor).
enum class Kernels { kFused, kEager };
std::string to_string(Kernels k);
std::optional<Kernels> parse_kernels(const std::string& name);

struct Layout {
  int tensor_parallel = 1;
  int pipeline_parallel = 1;
  int virtual_stages = 1;  ///< interleaved 1F1B chunks per pipeline stage (Narayanan Sec. 2.2)
  int context_parallel = 1;
  int data_parallel = 1;
  /// Expert parallelism (GShard, Lepikhin et al. 2020): the routed experts of each layer are
  /// split over this many of the data-parallel ranks, which exchange tokens by all-to-all; it
  /// divides data_parallel and the expert count (1 for a dense model).
  int expert_parallel = 1;
  int micro_batch_size = 1;  ///< sequences per micro-batch
  Recompute recompute = Recompute::kNone;
  /// 0: plain data parallelism; 1: optimizer states sharded over the data- (and context-)
  /// parallel ranks that hold the same weights (Megatron's distributed optimizer); 2: and
  /// gradients; 3: and weights (FSDP FULL_SHARD).
  int zero_stage = 1;
  bool sequence_parallel = false;  ///< Korthikanti Sec. 4.2.2: norms and dropout split over TP
  /// Implementation choices a run file may state (plans assume the modern defaults): fused
  /// FlashAttention (Dao et al. 2022) instead of materialised s x s scores, and data-parallel
  /// collectives overlapped with the backward pass (Megatron's --overlap-grad-reduce).
  bool flash_attention = true;
  bool overlap_data_parallel = true;
  /// An MoE's expert-parallel all-to-all overlapped with another micro-batch's attention and
  /// MLP (DeepSeek-V3's DualPipe, Sec. 3.2.1). Off by default: plain 1F1B runs dispatch and
  /// combine between the kernels that need them, so a plan assumes them exposed.
  bool overlap_expert_parallel = false;
  Kernels kernels = Kernels::kFused;
};

int gpus_of(const Layout& layout);

/// Why the layout cannot run `shape` (empty when it can): tensor parallelism must divide the
/// heads (and the KV heads, or be a multiple of them), pipeline stages need at least one layer
/// (times virtual stages) each, context parallelism must divide the sequence, virtual stages
/// need pipeline parallelism, expert parallelism needs an MoE whose experts it divides (that it
/// divides data_parallel is checked where the data-parallel degree is known). Tensor parallelism
/// beyond one NVLink domain is legal but slow (the step-time model sends it over the scale-out
/// network; the planner never chooses it).
std::string layout_problem(const Layout& layout, const Shape& shape, int seq_len);

/// Ranks that hold the same weights and share out ZeRO's states: data x context parallel.
int sharding_ranks(const Layout& layout);
/// Ranks that hold the same routed experts: sharding_ranks / expert_parallel.
int expert_sharding_ranks(const Layout& layout);

/// Layers on the fullest pipeline stage: ceil(n_layer / pipeline_parallel) (Megatron allows
/// uneven stages, as Llama 3 405B's 126 layers on 16 stages).
int layers_per_stage(const Shape& shape, const Layout& layout);

}  // namespace scaleplan
