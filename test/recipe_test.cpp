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

TEST_CASE("recipe: WSD decays over the last 20% with at most 5% warmup", "[recipe]") {
  const long long batch = 4096LL * 2048;
  const Recipe r = make_recipe(5.76e23, 2.982e12, batch, ScheduleKind::kWsd);
  CHECK(r.batch_tokens == batch);
  CHECK(r.schedule.total_steps ==
        static_cast<long long>(std::ceil(2.982e12 / static_cast<double>(batch))));
  CHECK(r.schedule.warmup_steps == kWarmupSteps);
  CHECK(r.schedule.decay_steps ==
        static_cast<long long>(std::round(0.2 * static_cast<double>(r.schedule.total_steps))));
  CHECK(r.learning_rate == Approx(deepseek_learning_rate(5.76e23)).epsilon(0.05));

  const Recipe tiny = make_recipe(1e18, 1e9, 2048 * 64, ScheduleKind::kCosine);
  CHECK(static_cast<double>(tiny.schedule.warmup_steps) <=
        0.05 * static_cast<double>(tiny.schedule.total_steps));
  CHECK(tiny.schedule.decay_steps == tiny.schedule.total_steps - tiny.schedule.warmup_steps);
}

TEST_CASE("recipe: the global batch is the largest multiple of the ranks within the optimum",
          "[recipe]") {
  // 8M tokens of 4096-token sequences on 96 ranks x 2 sequences: 2048 / 192 -> 10 units.
  CHECK(global_batch_sequences(8.0 * 1024 * 1024, 4096, 192) == 1920);
  // Below one unit the count forces one sequence per micro-batch per rank.
  CHECK(global_batch_sequences(1e5, 4096, 1024) == 1024);
}

TEST_CASE("recipe: McCandlish's waste: tokens at twice the optimal batch are worth 2/3",
          "[recipe]") {
  // E = E_min (1 + B / B_noise) with B_noise at the optimum: 2 / (1 + B / B*).
  CHECK(batch_data_efficiency(1e6, 1e6) == 1);
  CHECK(batch_data_efficiency(5e5, 1e6) == 1);  // no credit below the optimum
  CHECK(batch_data_efficiency(2e6, 1e6) == Approx(2.0 / 3));
  CHECK(batch_data_efficiency(1e7, 1e6) == Approx(2.0 / 11));
}
