#pragma once
/// Serving a trained model: decode latency, throughput and cost of a tensor-parallel replica
/// (docs/economics.md).

#include <optional>
#include <string>
#include <vector>

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/hardware.hpp"

namespace scaleplan {

enum class ServingPrecision { kBf16, kFp8, kInt8, kInt4 };
std::optional<ServingPrecision> parse_serving_precision(const std::string& name);
std::string to_string(ServingPrecision p);
/// Bytes per weight: bf16 2, fp8/int8 1, int4 0.5.
double weight_bytes_per_param(ServingPrecision p);

/// Post-training quantization (Kumar et al. 2024, "Scaling Laws for Precision", Eq. 2):
/// delta_PTQ = C_T (D^gamma_D / N^gamma_N) exp(-P_post / gamma_post + n_post), the loss a model
/// of N parameters trained on D tokens gains when its weights are rounded to P_post bits after
/// training: it grows with D/N (an over-trained model is harder to quantize). App. K Table 2
/// (shared/REFERENCES.md): C_T = 0.0598, gamma_D = 0.5068, gamma_N = 0.3439 (verified there);
/// gamma_post = 0.5907 and its offset n_post = 1.1277 are the labels most likely for the
/// remaining two constants (**unverified labels**). Fitted on 30-220M-parameter models with
/// integer quantization: the shape of the trade-off, not a calibrated figure.
struct PtqLaw {
  double c_t = 0.0598, gamma_d = 0.5068, gamma_n = 0.3439, gamma_post = 0.5907, n_post = 1.1277;
};
/// Bits a serving precision stores its weights in: bf16 none (served as trained, no PTQ), fp8
/// and int8 8, int4 4 (fp8 read as 8-bit integers, an assumption: Kumar et al. fit integers).
std::optional<double> serving_weight_bits(ServingPrecision p);
/// delta_PTQ at the serving precision; 0 for bf16.
double ptq_loss_increase(ServingPrecision p, double params, double tokens,
                         const PtqLaw& law = PtqLaw{});

/// Measured decode against the bandwidth bound on H100 (docs/economics.md, "Against
/// measurements"): NVIDIA NIM 1.8.0 Llama-3.3-70B fp8 TP2 at concurrency 1 (two figures) and
/// TensorRT-LLM 0.5.0 LLaMA 7B fp8 at batch 64 reach 55-70% of it; 0.6 is their mean, to two
/// figures (test `inference: the default decode efficiency is the measured share`).
inline constexpr double kDefaultDecodeEfficiency = 0.6;

struct ServingInputs {
  Gpu gpu;
  ServingPrecision precision = ServingPrecision::kBf16;
  double latency_ms_per_token = 50;    ///< cap on the decode step
  std::optional<double> ttft_ms;       ///< cap on the time to first token
  double prompt_tokens = 500;
  double tokens_per_query = 300;
  double lifetime_queries = 0;
  double usd_per_gpu_hour = 0;
  /// n_kv_heads / n_head of the served model: grouped-query attention (Ainslie et al. 2023)
  /// stores K and V for n_kv_heads heads only, so the KV cache shrinks by this factor (1 for
  /// multi-head attention; 8 of 64 heads, as Llama 2 70B, 1/8). `evaluate` sets it from the run.
  double kv_head_fraction = 1;
  /// d_model / n_layer of the served model, whose layers and width the KV cache and the
  /// tensor-parallel all-reduces scale with (continuous_shape). `evaluate` sets it from the run.
  double aspect_ratio = kAspectRatio;
  /// inference.tensor_parallel: GPUs per replica (a power of two within the serving GPU's NVLink
  /// domain); nullopt: `serve` takes the smallest degree that fits and meets the caps.
  std::optional<int> tensor_parallel;
  /// inference.decode_efficiency: the share of the bandwidth bound a real engine's decode step
  /// reaches (the memory term of the step is divided by it).
  double decode_efficiency = kDefaultDecodeEfficiency;
  /// An MoE's total / active parameters (1 dense): memory holds the total. Of the total,
  /// `routed_share` are routed experts, `experts` per layer with `top_k` per token: a decode
  /// batch of b tokens reads the weights of the E (1 - (1 - k/E)^b) experts it touches per layer
  /// (uniform routing, an ASSUMPTION), the rest always. `evaluate` sets them from the run.
  double total_params_factor = 1;
  double routed_share = 0;
  double experts = 0, top_k = 0;
};

/// Bytes of weights a decode step at batch b reads per active parameter (1 for dense; for an
/// MoE between 1 at batch 1 and total / active once the batch touches every expert).
double weights_read_factor(const ServingInputs& in, double batch);

struct Serving {
  bool feasible = false;
  std::string infeasible_reason;
  int tensor_parallel = 1;         ///< GPUs per replica (chosen or inference.tensor_parallel)
  int batch = 0;                   ///< largest batch meeting the caps and memory
  double latency_ms_per_token = 0; ///< decode step at that batch
  double ttft_ms = 0;              ///< prefill of one prompt plus one decode step
  double tokens_per_s_per_gpu = 0; ///< the replica's tokens/s over its tensor_parallel GPUs
  double usd_per_million_tokens = 0;
  double usd_per_query = 0;        ///< decode plus prefill time of the replica's GPUs
  double lifetime_usd = 0;
};

/// Decode step at batch b on a replica of `tp` GPUs (Pope et al. 2022, "Efficiently Scaling
/// Transformer Inference", Sec. 2-3): bounded below by reading the weights and the batch's KV
/// cache, split over the tp GPUs, ((W + b KV) / (tp bandwidth), divided by decode_efficiency)
/// and by compute (2 N b / (tp peak)); plus the tensor-parallel all-reduces of the step
/// (`tensor_parallel_seconds`). KV = 2 n_layer d_model kv_head_fraction values of 2 bytes per
/// token of context. Prefill: 2 N FLOPs per prompt token at the measured matmul efficiency.
Serving serve(const ServingInputs& in, double params);

/// One decode step, in seconds, at batch `batch` on `tp` GPUs.
double decode_step_seconds(const ServingInputs& in, double params, double batch, int tp = 1);

/// The exposed tensor-parallel communication of one forward pass of `tokens` tokens on `tp`
/// GPUs: 2 all-reduces per layer of the tokens x d_model bf16 activations (Pope et al. 2022
/// Sec. 3.2, Megatron's 1D weight-stationary layout), each latency + bytes / bus bandwidth over
/// the scale-up link (throughput.hpp's collective model).
double tensor_parallel_seconds(const ServingInputs& in, double params, double tokens, int tp);

/// KV-cache bytes of one sequence at its average context during decode (prompt + half the
/// answer): K and V in bf16 for each layer of the continuous shape of N, times kv_head_fraction.
double kv_bytes_per_sequence(const ServingInputs& in, double params);

/// Memory a replica needs at batch 1: the weights and one sequence's KV cache (all its GPUs).
double serving_memory_bytes(const ServingInputs& in, double params);

/// The tensor-parallel degrees a replica may use: inference.tensor_parallel alone, else the
/// powers of two up to the serving GPU's NVLink domain (gpus_per_node).
std::vector<int> serving_tp_degrees(const ServingInputs& in);

/// The largest N that can be served within the caps (bisection; serve() is monotone in N).
double max_servable_params(const ServingInputs& in);

/// Fraction of the dense peak a large matmul reaches: 790/989.4 on one H100 (shared data).
inline constexpr double kMatmulEfficiency = 0.798;

}  // namespace scaleplan
