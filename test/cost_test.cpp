#include "scaleplan/model/cost.hpp"

#include <catch2/catch.hpp>

#include "scaleplan/io/configs.hpp"
#include "scaleplan/model/recipe.hpp"

using namespace scaleplan;

TEST_CASE("cost: C = 6 N D reproduces Hoffmann et al. Table 3 FLOPs", "[cost]") {
  // Table 3 (Approach 1 projections): 400M params, 8.0B tokens -> 1.92e19 FLOPs;
  // 10B, 205.1B -> 1.23e22; 1T, 21.2T -> 1.27e26.
  const auto flops = [](double n, double d) {
    return training_flops_per_token(FlopsConvention::k6N, n, 2048) * d;
  };
  CHECK(flops(400e6, 8.0e9) == Approx(1.92e19).epsilon(0.005));
  CHECK(flops(10e9, 205.1e9) == Approx(1.23e22).epsilon(0.005));
  CHECK(flops(1e12, 21.2e12) == Approx(1.27e26).epsilon(0.005));
}

TEST_CASE("cost: detailed FLOPs add PaLM's 12 n_layer d_model seq attention term", "[cost]") {
  // PaLM App. B: 6N + 12 L H Q T. GPT-3 175B shape: 96 layers, d_model 12288, seq 2048.
  const double n = 12.0 * 96 * 12288 * 12288;
  CHECK(training_flops_per_token(FlopsConvention::kDetailed, n, 2048) ==
        Approx(6 * n + 12.0 * 96 * 12288 * 2048).epsilon(1e-9));
}

TEST_CASE("cost: GPU-hours, dollars and wall-clock follow from FLOPs", "[cost]") {
  // 1e21 FLOPs at 400 TFLOP/s achieved = 694.44 GPU-hours; at $2/h = $1388.9; on 64 GPUs 10.85 h.
  const TrainingCost c = training_cost(6e9, 1e21 / 6e9, 400e12, 2.0, 64);
  CHECK(c.flops == Approx(1e21));
  CHECK(c.gpu_hours == Approx(1e21 / 400e12 / 3600));
  CHECK(c.usd == Approx(2 * c.gpu_hours));
  CHECK(c.wall_hours == Approx(c.gpu_hours / 64));
}

TEST_CASE("cost: 16 bytes per parameter for mixed-precision Adam (ZeRO Sec. 3.1)", "[cost]") {
  // ZeRO: a 1.5B-parameter GPT-2 needs at least 24 GB of model states (16 x 1.5e9 bytes).
  CHECK(kTrainingBytesPerParam * 1.5e9 == Approx(24e9));
  // Full sharding divides the model states by the GPU count; activations stay per GPU.
  const double one = training_bytes_per_gpu(1e10, 4096, 1);
  const double many = training_bytes_per_gpu(1e10, 4096, 100);
  CHECK(one - many == Approx(16e10 * (1 - 0.01)).epsilon(1e-9));
}

TEST_CASE("cost: activation memory follows Korthikanti et al. Eq. 1 with full recompute",
          "[cost]") {
  // GPT-3 175B shape, seq 2048: stored inputs 2 s h per layer plus one layer's
  // s h (34 + 5 a s / h) with a = 96 heads.
  const double n = 12.0 * 96 * 12288 * 12288;
  const double s = 2048, h = 12288, a = 96;
  const double expected = 16 * n / 1024 + 2 * s * h * 96 + s * h * (34 + 5 * a * s / h);
  CHECK(training_bytes_per_gpu(n, s, 1024) == Approx(expected).epsilon(1e-9));
}

TEST_CASE("cost: the largest trainable model just fits", "[cost]") {
  const double n = max_trainable_params(80, 4096, 8);
  CHECK(training_bytes_per_gpu(n, 4096, 8) <= 0.9 * 80e9);
  CHECK(training_bytes_per_gpu(n * 1.001, 4096, 8) > 0.9 * 80e9);
  CHECK(n == Approx(35e9).epsilon(0.1));  // 8 x 72 GB / 16 B, less activations
}

TEST_CASE("cost: MFU model is the table's MFU for large models, lower for small", "[cost]") {
  const GpuTable table = load_gpu_table("");
  const Gpu& h100 = *find_gpu(table, "h100");
  CHECK(h100.mfu == 0.40);  // Llama 3 405B on H100: 38-43% (Dubey et al. 2024, Table 4)
  CHECK(mfu_for(h100, 1e11) == Approx(0.40).epsilon(0.002));
  CHECK(mfu_for(h100, 1e8) == Approx(0.20));
  // fp8 achieves 0.823 of bf16's fraction of peak (measured H100 matmuls, gpus_reference).
  CHECK(achieved_flops_per_s(h100, Precision::kFp8, 0.4) ==
        Approx(1978.9e12 * 0.4 * 0.823).epsilon(1e-9));
  // Never above the measured bf16 matmul ceiling (790 TFLOP/s on one H100).
  CHECK(achieved_flops_per_s(h100, Precision::kBf16, h100.mfu) < 790e12);
}
