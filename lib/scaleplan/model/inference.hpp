#pragma once
/// Serving a trained model: decode latency, throughput and cost on one GPU per replica
/// (docs/economics.md).

#include <optional>
#include <string>

#include "scaleplan/model/hardware.hpp"

namespace scaleplan {

enum class ServingPrecision { kBf16, kFp8, kInt8, kInt4 };
std::optional<ServingPrecision> parse_serving_precision(const std::string& name);
std::string to_string(ServingPrecision p);
/// Bytes per weight: bf16 2, fp8/int8 1, int4 0.5.
double weight_bytes_per_param(ServingPrecision p);

struct ServingInputs {
  Gpu gpu;
  ServingPrecision precision = ServingPrecision::kBf16;
  double latency_ms_per_token = 50;    ///< cap on the decode step
  std::optional<double> ttft_ms;       ///< cap on the time to first token
  double prompt_tokens = 500;
  double tokens_per_query = 300;
  double lifetime_queries = 0;
  double usd_per_gpu_hour = 0;
};

struct Serving {
  bool feasible = false;
  std::string infeasible_reason;
  int batch = 0;                   ///< largest batch meeting the caps and memory
  double latency_ms_per_token = 0; ///< decode step at that batch
  double ttft_ms = 0;              ///< prefill of one prompt plus one decode step
  double tokens_per_s_per_gpu = 0;
  double usd_per_million_tokens = 0;
  double usd_per_query = 0;        ///< decode plus prefill GPU time
  double lifetime_usd = 0;
};

/// Decode step at batch b: bounded below by reading the weights and the batch's KV cache
/// ((W + b KV) / bandwidth) and by compute (2 N b / peak) (Pope et al. 2022, "Efficiently
/// Scaling Transformer Inference", Sec. 2; KV = 2 n_layer d_model bytes per token of context).
/// Prefill: 2 N FLOPs per prompt token at the measured matmul efficiency.
Serving serve(const ServingInputs& in, double params);

/// That lower bound on one decode step, in seconds, at batch `batch`.
double decode_step_seconds(const ServingInputs& in, double params, double batch);

/// Memory a replica needs at batch 1: the weights and one sequence's KV cache.
double serving_memory_bytes(const ServingInputs& in, double params);

/// The largest N that can be served within the caps (bisection; serve() is monotone in N).
double max_servable_params(const ServingInputs& in);

/// Fraction of the dense peak a large matmul reaches: 790/989.4 on one H100 (shared data).
inline constexpr double kMatmulEfficiency = 0.798;

}  // namespace scaleplan
