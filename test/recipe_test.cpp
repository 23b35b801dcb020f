#include "scaleplan/model/recipe.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace scaleplan;

TEST_CASE("recipe: DeepSeek LLM Eq. 1 reproduces their 7B batch and LR", "[recipe]") {
  // DeepSeek LLM 2024: 7B = 30 layers, d_model 4096, seq 4096, 2.0T tokens; C = M D with
  // M = 72 n_layer d_model^2 + 12 n_layer d_model l_seq (Eq. 2). REFERENCES.md (computed):
  // B_opt = 9.2e6 tokens (9.4e6 used), eta_opt = 4.25e-4 (4.2e-4 used).
  const double m = 72.0 * 30 * 4096 * 4096 + 12.0 * 30 * 4096 * 4096;
  const double c = m * 2.0e12;
  CHECK(deepseek_batch_tokens(c) == Approx(9.2e6).epsilon(0.02));
  CHECK(deepseek_batch_tokens(c) == Approx(9.4e6).epsilon(0.03));
  CHECK(deepseek_learning_rate(c) == Approx(4.25e-4).epsilon(0.01));
  CHECK(deepseek_learning_rate(c) == Approx(4.2e-4).epsilon(0.02));
}

TEST_CASE("recipe: rounded shape is hardware-friendly and close to N", "[recipe]") {
  for (double n : {1.2e8, 1e9, 7e9, 3.219e10, 7e10, 4e11}) {
    INFO("N = " << n);
    const Shape s = round_shape(n);
    CHECK(s.d_model % kHeadDim == 0);
    CHECK(s.n_head * kHeadDim == s.d_model);
    if (s.n_head >= kHeadMultipleFrom) CHECK(s.n_head % kHeadMultiple == 0);
    CHECK(s.params == 12.0 * s.n_layer * s.d_model * static_cast<double>(s.d_model));
    CHECK(std::abs(std::log(s.params / n)) < (n < 1e9 ? 0.08 : 0.03));  // coarse when small
    const double aspect = static_cast<double>(s.d_model) / s.n_layer;
    CHECK(aspect > kAspectRatio / 1.5);
    CHECK(aspect < kAspectRatio * 1.5);
  }
}

TEST_CASE("recipe: GPT-3 175B's shape is the kAspectRatio anchor", "[recipe]") {
  // Brown et al. 2020, Table 2.1: 96 layers, d_model 12288 (ratio 128), 12 x 96 x 12288^2 params.
  const double n = 12.0 * 96 * 12288 * 12288;
  const ContinuousShape c = continuous_shape(n);
  CHECK(c.n_layer == Approx(96).epsilon(1e-9));
  CHECK(c.d_model == Approx(12288).epsilon(1e-9));
  const Shape s = round_shape(n);
  CHECK(s.n_layer == 96);
  CHECK(s.d_model == 12288);
  CHECK(s.n_head == 96);
}

TEST_CASE("recipe: WSD decays over the last 20% with at most 5% warmup", "[recipe]") {
  const Recipe r = make_recipe(5.76e23, 2.982e12, 4096, ScheduleKind::kWsd);
  CHECK(r.batch_tokens % 4096 == 0);
  const double sequences = static_cast<double>(r.batch_tokens / 4096);
  CHECK(std::exp2(std::round(std::log2(sequences))) == sequences);  // a power of two
  const double ratio = static_cast<double>(r.batch_tokens) / deepseek_batch_tokens(5.76e23);
  CHECK(ratio > 1 / std::sqrt(2.0) - 1e-9);  // rounded to the nearest power of two
  CHECK(ratio < std::sqrt(2.0) + 1e-9);
  CHECK(r.schedule.total_steps ==
        static_cast<long long>(std::ceil(2.982e12 / static_cast<double>(r.batch_tokens))));
  CHECK(r.schedule.warmup_steps == kWarmupSteps);
  CHECK(r.schedule.decay_steps ==
        static_cast<long long>(std::round(0.2 * static_cast<double>(r.schedule.total_steps))));
  CHECK(r.learning_rate == Approx(deepseek_learning_rate(5.76e23)).epsilon(0.05));

  const Recipe tiny = make_recipe(1e18, 1e9, 2048, ScheduleKind::kCosine);
  CHECK(static_cast<double>(tiny.schedule.warmup_steps) <= 0.05 * static_cast<double>(tiny.schedule.total_steps));
  CHECK(tiny.schedule.decay_steps == tiny.schedule.total_steps - tiny.schedule.warmup_steps);
}
