#include "scaleplan/model/cost.hpp"

#include <catch2/catch.hpp>

using namespace scaleplan;

TEST_CASE("cost: C = 6 N D reproduces Hoffmann et al. Table 3 FLOPs", "[cost]") {
  // Table 3 (Approach 1 projections): 400M params, 8.0B tokens -> 1.92e19 FLOPs;
  // 10B, 205.1B -> 1.23e22; 1T, 21.2T -> 1.27e26.
  const auto flops = [](double n, double d) {
    return training_flops_per_token(FlopsConvention::k6N, n, 2048, 32000) * d;
  };
  CHECK(flops(400e6, 8.0e9) == Approx(1.92e19).epsilon(0.005));
  CHECK(flops(10e9, 205.1e9) == Approx(1.23e22).epsilon(0.005));
  CHECK(flops(1e12, 21.2e12) == Approx(1.27e26).epsilon(0.005));
}

TEST_CASE("cost: detailed FLOPs add attention and the output head (Korthikanti App. A Eq. 7)",
          "[cost]") {
  // 72 B s L h^2 (1 + s/6h + V/12hL) per sequence = 6N + 12 L h s + 6 V h per token. GPT-3
  // 175B shape: 96 layers, d_model 12288, seq 2048, vocab 51200.
  const double n = 12.0 * 96 * 12288 * 12288, s = 2048, v = 51200, h = 12288, l = 96;
  const double eq7 = 72 * s * l * h * h * (1 + s / (6 * h) + v / (12 * h * l)) / s;
  CHECK(training_flops_per_token(FlopsConvention::kDetailed, n, s, v) == Approx(eq7).epsilon(1e-9));
}

TEST_CASE("cost: wall-clock, GPU-hours and dollars follow from throughput and goodput",
          "[cost]") {
  // 1e12 tokens at 1e6 tokens/s and 90% goodput: 1e12 / 9e5 s = 308.6 h on 64 GPUs.
  const TrainingCost c = training_cost(6e9, 1e12, 1e6, 0.9, 2.0, 64);
  CHECK(c.flops == Approx(6e21));
  CHECK(c.wall_hours == Approx(1e12 / 9e5 / 3600));
  CHECK(c.gpu_hours == Approx(64 * c.wall_hours));
  CHECK(c.usd == Approx(2 * c.gpu_hours));
}
