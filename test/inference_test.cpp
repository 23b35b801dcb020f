#include "scaleplan/model/inference.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "scaleplan/io/configs.hpp"

using namespace scaleplan;

namespace {

ServingInputs h100(double cap_ms) {
  static const GpuTable table = load_gpu_table("");
  ServingInputs in;
  in.gpu = *find_gpu(table, "H100-SXM");
  in.latency_ms_per_token = cap_ms;
  in.usd_per_gpu_hour = 2.95;
  return in;
}

}  // namespace

TEST_CASE("inference: at batch 1 the weights must stream within the cap (bandwidth bound)",
          "[inference]") {
  // H100 SXM: 3.35 TB/s x 20 ms = 67 GB of bf16 weights, 33.5B parameters at most.
  const double n = max_servable_params(h100(20));
  CHECK(n * 2 <= 3.35e12 * 0.020);
  CHECK(n * 2 == Approx(3.35e12 * 0.020).epsilon(0.05));  // the KV cache takes the rest
  const Serving s = serve(h100(20), n * 0.999);
  REQUIRE(s.feasible);
  CHECK(s.batch == 1);
}

TEST_CASE("inference: a tighter cap never allows a larger model", "[inference]") {
  double previous = INFINITY;
  for (double cap : {200.0, 100.0, 50.0, 20.0, 10.0, 5.0}) {
    const double n = max_servable_params(h100(cap));
    CHECK(n <= previous);
    previous = n;
  }
}

TEST_CASE("inference: throughput and price follow from the largest batch under the cap",
          "[inference]") {
  const Serving s = serve(h100(50), 7e9);
  REQUIRE(s.feasible);
  CHECK(s.batch > 1);
  CHECK(s.latency_ms_per_token <= 50);
  CHECK(s.tokens_per_s_per_gpu == Approx(s.batch / (s.latency_ms_per_token / 1e3)));
  CHECK(s.usd_per_million_tokens == Approx(2.95 / 3600 / s.tokens_per_s_per_gpu * 1e6));
  // Against the measured matmul ceiling: decode can never beat 2N FLOPs per token at 790 TFLOP/s.
  CHECK(s.tokens_per_s_per_gpu <= 790e12 / (2 * 7e9));
}

TEST_CASE("inference: quantised weights serve larger models under the same cap", "[inference]") {
  ServingInputs bf16 = h100(20), int4 = h100(20);
  int4.precision = ServingPrecision::kInt4;
  CHECK(max_servable_params(int4) > 3 * max_servable_params(bf16));
}

TEST_CASE("inference: a model too large for the serving GPU is infeasible", "[inference]") {
  const Serving s = serve(h100(1000), 1e11);  // 200 GB of bf16 weights on an 80 GB GPU
  CHECK_FALSE(s.feasible);
  CHECK(s.infeasible_reason.find("memory") != std::string::npos);
}

TEST_CASE("inference: the decode bound sits below measured H100 figures, within 2x", "[inference]") {
  // Measured, FP8 weights on H100 SXM:
  // (1) NVIDIA NIM LLM benchmarking docs 1.0.0, Llama-3.3-70B-Instruct (NIM 1.8.0), 2 x H100 80G,
  //     fp8, TP2, concurrency 1: inter-token latency 18.58 ms at 5000 input / 500 output tokens,
  //     18.91 ms at 500 / 2000. TP2 is modelled as one GPU with twice the bandwidth, memory and
  //     FLOPs. (2) TensorRT-LLM 0.5.0 docs/source/performance.md, H100 FP8, LLaMA 7B, batch 64,
  //     TP1, 128 / 128 tokens: 9,193 output tokens/s.
  // The model is a lower bound (Pope et al. 2022): real serving reaches 55-70% of it here.
  ServingInputs tp2 = h100(1000);
  tp2.gpu.mem_bw_tbps *= 2;
  tp2.gpu.memory_gb *= 2;
  for (auto& [precision, tflops] : tp2.gpu.tflops) tflops *= 2;
  tp2.precision = ServingPrecision::kFp8;
  const struct {
    double prompt, answer, measured_ms;
  } nim[] = {{5000, 500, 18.58}, {500, 2000, 18.91}};
  for (const auto& m : nim) {
    tp2.prompt_tokens = m.prompt;
    tp2.tokens_per_query = m.answer;
    const double model_ms = 1e3 * decode_step_seconds(tp2, 70.6e9, 1);
    INFO("Llama-3.3-70B " << m.prompt << "/" << m.answer << ": model " << model_ms
                          << " ms, measured " << m.measured_ms << " ms");
    CHECK(model_ms <= m.measured_ms);
    CHECK(m.measured_ms / model_ms < 2);
  }
  ServingInputs one = h100(1000);
  one.precision = ServingPrecision::kFp8;
  one.prompt_tokens = 128;
  one.tokens_per_query = 128;
  const double model_tokens_per_s = 64 / decode_step_seconds(one, 6.74e9, 64);
  INFO("LLaMA 7B batch 64: model " << model_tokens_per_s << " tokens/s, measured 9193");
  CHECK(model_tokens_per_s >= 9193);
  CHECK(model_tokens_per_s / 9193 < 2);
}

TEST_CASE("inference: post-training quantization costs more the longer a model trained (Kumar "
          "Eq. 2)",
          "[inference][ptq]") {
  // bf16 is served as trained: no PTQ.
  CHECK(ptq_loss_increase(ServingPrecision::kBf16, 7e9, 1.4e11) == 0);
  // Fewer bits cost more.
  CHECK(ptq_loss_increase(ServingPrecision::kInt4, 7e9, 1.4e11) >
        ptq_loss_increase(ServingPrecision::kInt8, 7e9, 1.4e11));
  CHECK(ptq_loss_increase(ServingPrecision::kFp8, 7e9, 1.4e11) ==
        ptq_loss_increase(ServingPrecision::kInt8, 7e9, 1.4e11));
  // It grows with D/N: at fixed N with more tokens, and at fixed compute C = 6ND.
  double previous = 0;
  for (double ratio : {5.0, 20.0, 100.0, 1000.0}) {
    const double n = std::sqrt(1e23 / (6 * ratio));
    const double grown = ptq_loss_increase(ServingPrecision::kInt4, n, ratio * n);
    CHECK(grown > previous);
    CHECK(ptq_loss_increase(ServingPrecision::kInt4, 7e9, ratio * 7e9) >
          ptq_loss_increase(ServingPrecision::kInt4, 7e9, ratio * 7e9 / 2));
    previous = grown;
  }
  // Eq. 2's verified exponents (App. K, shared/REFERENCES.md): D^0.5068 / N^0.3439 at fixed
  // bits; gamma_post and n_post (unverified labels) cancel in the ratio.
  CHECK(ptq_loss_increase(ServingPrecision::kInt4, 2e9, 4e11) /
            ptq_loss_increase(ServingPrecision::kInt4, 1e9, 1e11) ==
        Approx(std::pow(4.0, 0.5068) / std::pow(2.0, 0.3439)).epsilon(1e-12));
}

TEST_CASE("inference: 8 KV heads of 64 give an 8x smaller KV cache and a cheaper query",
          "[inference][gqa]") {
  // Issue 13, acceptance 4: grouped-query attention (Ainslie et al. 2023; Llama 2 70B has 8 KV
  // heads of 64) stores K and V for n_kv_heads heads only.
  ServingInputs mha = h100(1000), gqa = h100(1000);
  mha.precision = gqa.precision = ServingPrecision::kFp8;
  gqa.kv_head_fraction = 8.0 / 64;
  const double n = 34e9;
  CHECK(kv_bytes_per_sequence(mha, n) == Approx(8 * kv_bytes_per_sequence(gqa, n)));
  CHECK(serving_memory_bytes(mha, n) - serving_memory_bytes(gqa, n) ==
        Approx(7 * kv_bytes_per_sequence(gqa, n)));
  const Serving a = serve(mha, n), b = serve(gqa, n);
  REQUIRE(a.feasible);
  REQUIRE(b.feasible);
  CHECK(b.batch > 4 * a.batch);  // memory bounds the batch: 8x smaller cache, far more sequences
  CHECK(b.usd_per_query < a.usd_per_query / 2);
}
