#include "scaleplan/model/inference.hpp"

#include <cmath>

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/memory.hpp"

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
  if (r == 0) r = rate(Precision::kBf16);
  if (r == 0) r = rate(Precision::kFp32);
  return r * kMatmulEfficiency;
}

}  // namespace

// Pope et al. 2022 Sec. 2 (KV cache); Ainslie et al. 2023 (GQA: n_kv_heads of n_head).
double kv_bytes_per_sequence(const ServingInputs& in, double params) {
  const ContinuousShape shape = continuous_shape(params);
  return 2 * shape.n_layer * shape.d_model * in.kv_head_fraction * 2 *
         (in.prompt_tokens + in.tokens_per_query / 2);
}

double weights_read_factor(const ServingInputs& in, double batch) {
  if (in.experts <= 0) return 1;
  const double touched = 1 - std::pow(1 - in.top_k / in.experts, std::max(1.0, batch));
  return in.total_params_factor * (1 - in.routed_share + in.routed_share * touched);
}

// Pope et al. 2022 Sec. 2 (memory and compute lower bounds of a decode step).
double decode_step_seconds(const ServingInputs& in, double params, double batch) {
  const double bandwidth = in.gpu.mem_bw_tbps * 1e12;  // bytes/s
  const double weights =
      params * weight_bytes_per_param(in.precision) * weights_read_factor(in, batch);
  return std::max((weights + batch * kv_bytes_per_sequence(in, params)) / bandwidth,
                  2 * params * batch / serving_flops_per_s(in));
}

Serving serve(const ServingInputs& in, double params) {
  Serving s;
  const double flops = serving_flops_per_s(in);
  const double weights = params * in.total_params_factor * weight_bytes_per_param(in.precision);
  const double kv_per_sequence = kv_bytes_per_sequence(in, params);
  const double memory = usable_memory_bytes(in.gpu);
  const auto step_s = [&](double b) { return decode_step_seconds(in, params, b); };
  const double cap_s = in.latency_ms_per_token / 1e3;
  if (weights + kv_per_sequence > memory) {
    s.infeasible_reason = "weights and one sequence's KV cache exceed the serving GPU's memory";
    return s;
  }
  if (step_s(1) > cap_s) {
    s.infeasible_reason = "even at batch 1 a decode step takes longer than the latency cap";
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
  const double prefill_s = 2 * params * in.prompt_tokens / flops;
  s.latency_ms_per_token = 1e3 * step;
  s.ttft_ms = 1e3 * (prefill_s + step_s(1));
  if (in.ttft_ms && s.ttft_ms > *in.ttft_ms) {
    s.infeasible_reason = "the time to first token exceeds inference.ttft_ms";
    return s;
  }
  s.feasible = true;
  s.tokens_per_s_per_gpu = lo / step;
  const double usd_per_s = in.usd_per_gpu_hour / 3600;
  s.usd_per_million_tokens = usd_per_s / s.tokens_per_s_per_gpu * 1e6;
  s.usd_per_query = usd_per_s * (in.tokens_per_query / s.tokens_per_s_per_gpu + prefill_s);
  s.lifetime_usd = s.usd_per_query * in.lifetime_queries;
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
