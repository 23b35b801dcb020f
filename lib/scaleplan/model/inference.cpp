#include "scaleplan/model/inference.hpp"

#include <algorithm>
#include <cmath>

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/memory.hpp"
#include "scaleplan/model/throughput.hpp"

namespace scaleplan {

std::optional<ServingPrecision> parse_serving_precision(const std::string& name) {
  if (name == "bf16") return ServingPrecision::kBf16;
  if (name == "fp8") return ServingPrecision::kFp8;
  if (name == "int8") return ServingPrecision::kInt8;
  if (name == "int4") return ServingPrecision::kInt4;
  return std::nullopt;
}

std::string to_string(ServingPrecision p) {
  switch (p) {
    case ServingPrecision::kBf16: return "bf16";
    case ServingPrecision::kFp8: return "fp8";
    case ServingPrecision::kInt8: return "int8";
    case ServingPrecision::kInt4: return "int4";
  }
  return "?";
}

double weight_bytes_per_param(ServingPrecision p) {
  switch (p) {
    case ServingPrecision::kBf16: return 2;
    case ServingPrecision::kFp8:
    case ServingPrecision::kInt8: return 1;
    case ServingPrecision::kInt4: return 0.5;
  }
  return 2;
}

std::optional<double> serving_weight_bits(ServingPrecision p) {
  switch (p) {
    case ServingPrecision::kBf16: return std::nullopt;
    case ServingPrecision::kFp8:
    case ServingPrecision::kInt8: return 8;
    case ServingPrecision::kInt4: return 4;
  }
  return std::nullopt;
}

// Kumar et al. 2024, Eq. 2 (constants App. K).
double ptq_loss_increase(ServingPrecision p, double params, double tokens, const PtqLaw& l) {
  const std::optional<double> bits = serving_weight_bits(p);
  if (!bits) return 0;
  return l.c_t * std::pow(tokens, l.gamma_d) / std::pow(params, l.gamma_n) *
         std::exp(-*bits / l.gamma_post + l.n_post);
}

namespace {

/// Matmul rate for the serving precision: fp8/int8 use the fp8 rate where the GPU has one;
/// int4 is weight-only quantisation computing in bf16.
double serving_flops_per_s(const ServingInputs& in) {
  const auto rate = [&](Precision p) {
    const auto it = in.gpu.tflops.find(p);
    return it == in.gpu.tflops.end() ? 0.0 : it->second * 1e12;
  };
  double r = 0;
  if (in.precision == ServingPrecision::kFp8 || in.precision == ServingPrecision::kInt8)
    r = rate(Precision::kFp8);
  if (r == 0) r = rate(attention_precision(in.gpu));  // bf16, fp16 on a V100, else fp32
  return r * kMatmulEfficiency;
}

}  // namespace

// Pope et al. 2022 Sec. 2 (KV cache); Ainslie et al. 2023 (GQA: n_kv_heads of n_head).
double kv_bytes_per_sequence(const ServingInputs& in, double params) {
  const ContinuousShape shape = continuous_shape(params, in.aspect_ratio);
  return 2 * shape.n_layer * shape.d_model * in.kv_head_fraction * 2 *
         (in.prompt_tokens + in.tokens_per_query / 2);
}

// Pope et al. 2022 Sec. 3.2: 2 all-reduces of the activations per layer (attention and MLP).
double tensor_parallel_seconds(const ServingInputs& in, double params, double tokens, int tp) {
  if (tp <= 1 || !(tokens > 0)) return 0;
  const ContinuousShape shape = continuous_shape(params, in.aspect_ratio);
  const double message = tokens * shape.d_model * 2;  // bf16 activations
  return 2 * shape.n_layer * all_reduce_seconds(message, tp, collective_link(in.gpu, tp, 1));
}

double weights_read_factor(const ServingInputs& in, double batch) {
  if (in.experts <= 0) return 1;
  const double touched = 1 - std::pow(1 - in.top_k / in.experts, std::max(1.0, batch));
  return in.total_params_factor * (1 - in.routed_share + in.routed_share * touched);
}

// Pope et al. 2022 Sec. 2-3 (memory and compute bounds of a decode step, split over tp GPUs).
double decode_step_seconds(const ServingInputs& in, double params, double batch, int tp) {
  const double bandwidth = in.gpu.mem_bw_tbps * 1e12 * tp;  // bytes/s of the replica
  // An MoE's batch reads only the experts it touches (weights_read_factor).
  const double weights =
      params * weight_bytes_per_param(in.precision) * weights_read_factor(in, batch);
  const double memory_s =
      (weights + batch * kv_bytes_per_sequence(in, params)) / bandwidth / in.decode_efficiency;
  const double compute_s = 2 * params * batch / (serving_flops_per_s(in) * tp);
  return std::max(memory_s, compute_s) + tensor_parallel_seconds(in, params, batch, tp);
}

std::vector<int> serving_tp_degrees(const ServingInputs& in) {
  if (in.tensor_parallel) return {*in.tensor_parallel};
  std::vector<int> degrees;
  for (int t = 1; t <= std::max(1, in.gpu.gpus_per_node); t *= 2) degrees.push_back(t);
  return degrees;
}

namespace {

/// The replica of `tp` GPUs: infeasible with the reason, or served at its largest batch.
Serving serve_at(const ServingInputs& in, double params, int tp) {
  Serving s;
  s.tensor_parallel = tp;
  const double flops = serving_flops_per_s(in) * tp;
  const double weights = params * in.total_params_factor * weight_bytes_per_param(in.precision);
  const double kv_per_sequence = kv_bytes_per_sequence(in, params);
  const double memory = usable_memory_bytes(in.gpu) * tp;
  const auto step_s = [&](double b) { return decode_step_seconds(in, params, b, tp); };
  const double cap_s = in.latency_ms_per_token / 1e3;
  const std::string at = " at tensor parallelism " + std::to_string(tp);
  if (weights + kv_per_sequence > memory) {
    s.infeasible_reason =
        "weights and one sequence's KV cache exceed the serving GPUs' memory" + at;
    return s;
  }
  if (step_s(1) > cap_s) {
    s.infeasible_reason = "even at batch 1 a decode step takes longer than the latency cap" + at;
    return s;
  }
  // Largest batch meeting the cap and memory (both grow with the batch): doubling, then bisection.
  const auto fits = [&](double b) {
    return step_s(b) <= cap_s && weights + b * kv_per_sequence <= memory;
  };
  double lo = 1, hi = 2;
  while (fits(hi) && hi < 1e6) lo = hi, hi *= 2;
  while (hi - lo > 1) {
    const double mid = std::floor((lo + hi) / 2);
    (fits(mid) ? lo : hi) = mid;
  }
  s.batch = static_cast<int>(lo);
  const double step = step_s(lo);
  const double prefill_s =
      2 * params * in.prompt_tokens / flops + tensor_parallel_seconds(in, params, in.prompt_tokens, tp);
  s.latency_ms_per_token = 1e3 * step;
  s.ttft_ms = 1e3 * (prefill_s + step_s(1));
  if (in.ttft_ms && s.ttft_ms > *in.ttft_ms) {
    s.infeasible_reason = "the time to first token exceeds inference.ttft_ms" + at;
    return s;
  }
  s.feasible = true;
  const double replica_tokens_per_s = lo / step;
  s.tokens_per_s_per_gpu = replica_tokens_per_s / tp;
  const double usd_per_s = in.usd_per_gpu_hour * tp / 3600;  // the replica's GPUs
  s.usd_per_million_tokens = usd_per_s / replica_tokens_per_s * 1e6;
  s.usd_per_query = usd_per_s * (in.tokens_per_query / replica_tokens_per_s + prefill_s);
  s.lifetime_usd = s.usd_per_query * in.lifetime_queries;
  return s;
}

}  // namespace

// The smallest degree that serves within memory and the caps (Pope et al. 2022 Sec. 3: more
// chips cut the latency of memory-bound decode); the largest degree's reason when none does.
Serving serve(const ServingInputs& in, double params) {
  Serving s;
  for (int tp : serving_tp_degrees(in)) {
    s = serve_at(in, params, tp);
    if (s.feasible) return s;
  }
  return s;
}

double serving_memory_bytes(const ServingInputs& in, double params) {
  return params * in.total_params_factor * weight_bytes_per_param(in.precision) +
         kv_bytes_per_sequence(in, params);
}

double max_servable_params(const ServingInputs& in) {
  double lo = 1e3, hi = 1e15;
  if (!serve(in, lo).feasible) return 0;
  if (serve(in, hi).feasible) return hi;
  for (int i = 0; i < 200 && hi / lo > 1 + 1e-12; ++i) {
    const double mid = std::sqrt(lo * hi);
    (serve(in, mid).feasible ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace scaleplan
