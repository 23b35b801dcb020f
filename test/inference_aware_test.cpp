#include "scaleplan/model/inference_aware.hpp"

#include <catch2/catch.hpp>

using namespace scaleplan;

namespace {
// Sardana & Frankle 2023 use Chinchilla Approach 3 with alpha = 0.336, beta = 0.283
// (shared/REFERENCES.md).
const ChinchillaLaw kSardana{1.69, 406.4, 410.7, 0.336, 0.283};
}  // namespace

TEST_CASE("inference_aware: X-quality is the compute-optimal X model's loss", "[inference]") {
  // REFERENCES.md: 39.5 tokens/param at 7B and 60.8 at 70B under this law.
  const double l7 = quality_of_size(kSardana, 7e9);
  const auto opt = lifetime_flops_optimum(kSardana, l7, 0);
  REQUIRE(opt);
  CHECK(opt->params == Approx(7e9).epsilon(1e-4));
  CHECK(opt->tokens / opt->params == Approx(39.5).epsilon(0.01));
  const auto opt70 = lifetime_flops_optimum(kSardana, quality_of_size(kSardana, 7e10), 0);
  CHECK(opt70->tokens / opt70->params == Approx(60.8).epsilon(0.01));
}

TEST_CASE("inference_aware: reproduces Sardana & Frankle's worked examples within 5%",
          "[inference]") {
  struct Row {
    double quality_params, inference_tokens, params, tokens, saving;
  };
  // REFERENCES.md table (re-derived with the paper's law; Fig. 1: 13B-quality at 2e12 inference
  // tokens -> a ~7B model, 17% fewer FLOPs).
  const Row rows[] = {{13e9, 2e12, 6.97e9, 1.248e12, 0.174},
                      {7e9, 1e11, 6.00e9, 3.25e11, 0.008},
                      {30e9, 1e13, 1.361e10, 4.426e12, 0.280},
                      {70e9, 1e13, 4.155e10, 7.923e12, 0.119},
                      {70e9, 2e12, 5.79e10, 5.20e12, 0.013}};
  for (const Row& r : rows) {
    INFO(r.quality_params << "-quality, " << r.inference_tokens << " inference tokens");
    const auto o =
        lifetime_flops_optimum(kSardana, quality_of_size(kSardana, r.quality_params), r.inference_tokens);
    REQUIRE(o);
    CHECK(o->params == Approx(r.params).epsilon(0.05));
    CHECK(o->tokens == Approx(r.tokens).epsilon(0.05));
    CHECK(o->saving == Approx(r.saving).epsilon(0.05).margin(0.001));
    CHECK(o->chinchilla_params == Approx(r.quality_params).epsilon(1e-4));
  }
}

TEST_CASE("inference_aware: more inference demand means a smaller model on more tokens",
          "[inference]") {
  const double target = quality_of_size(kSardana, 3e10);
  double previous_n = INFINITY, previous_ratio = 0;
  for (double d_inf : {0.0, 1e11, 1e12, 1e13, 1e14}) {
    const auto o = lifetime_flops_optimum(kSardana, target, d_inf);
    REQUIRE(o);
    CHECK(o->params <= previous_n * (1 + 1e-6));
    CHECK(o->tokens / o->params >= previous_ratio * (1 - 1e-6));
    previous_n = o->params;
    previous_ratio = o->tokens / o->params;
  }
  CHECK_FALSE(lifetime_flops_optimum(kSardana, 1.6, 1e12).has_value());  // below E
}
