#pragma once
/// Training FLOPs, GPU-hours, dollars and wall-clock of a run, and the memory it needs.

namespace scaleplan {

/// 6N: the scaling-law papers' convention (Kaplan et al. 2020, Sec. 2.1).
/// Detailed: 6N + 12 n_layer d_model seq, counting attention (Chowdhery et al. 2022, PaLM,
/// App. B), with the continuous shape of `params` (recipe.hpp).
enum class FlopsConvention { k6N, kDetailed };

/// Training FLOPs per token = 3 x forward FLOPs per token.
double training_flops_per_token(FlopsConvention convention, double params, double seq_len);

/// Everything about a run's price and duration. Units in the names.
struct TrainingCost {
  double flops = 0;
  double flops_per_token = 0;
  double gpu_hours = 0;
  double usd = 0;
  double wall_hours = 0;
};

/// GPU-seconds = FLOPs / achieved FLOP/s per GPU; dollars = GPU-hours x price;
/// wall-clock = GPU-hours / GPUs.
TrainingCost training_cost(double flops_per_token, double tokens, double achieved_flops_per_s,
                           double usd_per_gpu_hour, int gpus);

/// Mixed-precision Adam: 2 (bf16 weights) + 2 (gradients) + 12 (fp32 master weights and two
/// moments) bytes per parameter (Rajbhandari et al. 2020, ZeRO, Sec. 3.1), fully sharded.
inline constexpr double kTrainingBytesPerParam = 16;
/// Share of device memory a run can use (CUDA context, allocator fragmentation): an assumption.
inline constexpr double kUsableMemoryFraction = 0.9;

/// Bytes one GPU holds: the model states sharded over `gpus` (ZeRO-3 / FSDP) plus activations of
/// one sequence with full recomputation: the 2 s h bytes of input stored per layer plus one
/// layer's working set s h (34 + 5 a s / h) (Korthikanti et al. 2022, Sec. 4, Eq. 1), bf16.
double training_bytes_per_gpu(double params, double seq_len, int gpus);

/// The largest N whose training fits in `memory_gb` per GPU over `gpus` GPUs; 0 if none.
double max_trainable_params(double memory_gb, double seq_len, int gpus);

}  // namespace scaleplan
