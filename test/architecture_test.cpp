#include "scaleplan/model/architecture.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace scaleplan;

TEST_CASE("architecture: GPT-3 175B has 12 n_layer d_model^2 non-embedding parameters",
          "[architecture]") {
  // Brown et al. 2020, Table 2.1: 96 layers, d_model 12288, 96 heads, d_ff = 4 d_model.
  const Shape s = gpt_shape(96, 12288, 96, 50257);
  CHECK(non_embedding_params(s) == 12.0 * 96 * 12288 * 12288);
  CHECK(non_embedding_params(s) == Approx(174.6e9).epsilon(0.01));  // "175B"
}

TEST_CASE("architecture: Llama 3 8B's GQA and SwiGLU give its published 8.03B parameters",
          "[architecture]") {
  // Dubey et al. 2024 Table 3: 32 layers, d_model 4096, FFN 14336, 32 heads, 8 KV heads,
  // vocab 128256; untied embeddings. 8,030,261,248 parameters with the norms (Hugging Face);
  // norms add 32 x 2 x 4096 + 4096 = 266,240.
  const Shape s{32, 4096, 32, 8, 14336, FfnKind::kSwiglu, 128256, Moe{}};
  CHECK(non_embedding_params(s) + embedding_params(s) + 266240 == 8030261248.0);
}

TEST_CASE("architecture: model FLOPs per token are Megatron's 72 B s L h^2 (1 + s/6h + V/12hL)",
          "[architecture]") {
  // Korthikanti et al. 2022 App. A Eq. 7 for the 22B model of Table 3 (48 layers, 6144 wide,
  // seq 2048, vocab 51200).
  const Shape s = gpt_shape(48, 6144, 64, 51200);
  const double h = 6144, l = 48, seq = 2048, v = 51200;
  CHECK(model_flops_per_token(s, seq) ==
        Approx(72 * l * h * h * (1 + seq / (6 * h) + v / (12 * h * l))).epsilon(1e-12));
}

TEST_CASE("architecture: rounded shape is hardware-friendly and close to N", "[architecture]") {
  for (double n : {1.2e8, 1e9, 7e9, 3.219e10, 7e10, 4e11}) {
    INFO("N = " << n);
    const Shape s = round_shape(n);
    CHECK(s.d_model % kHeadDim == 0);
    CHECK(s.n_head * kHeadDim == s.d_model);
    if (s.n_head >= kHeadMultipleFrom) CHECK(s.n_head % kHeadMultiple == 0);
    CHECK(non_embedding_params(s) == 12.0 * s.n_layer * s.d_model * static_cast<double>(s.d_model));
    CHECK(std::abs(std::log(non_embedding_params(s) / n)) < (n < 1e9 ? 0.08 : 0.03));  // coarse when small
    const double aspect = static_cast<double>(s.d_model) / s.n_layer;
    CHECK(aspect > kAspectRatio / 1.5);
    CHECK(aspect < kAspectRatio * 1.5);
  }
}

TEST_CASE("architecture: GPT-3 175B's shape is the kAspectRatio anchor", "[architecture]") {
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


TEST_CASE("architecture: model.aspect_ratio sets the planned shapes' width over depth",
          "[architecture]") {
  // Llama 2 7B's 32 x 4096 (Touvron et al. 2023, Table 1): 12 x 32 x 4096^2 at ratio 128 ...
  const double n = 12.0 * 32 * 4096 * 4096;
  CHECK(continuous_shape(n, 128).n_layer == Approx(32).epsilon(1e-9));
  // ... and at ratio 16 the same N is 128 layers of 2048 (12 x 128 x 2048^2 = 12 x 32 x 4096^2).
  const ContinuousShape narrow = continuous_shape(n, 16);
  CHECK(narrow.n_layer == Approx(128).epsilon(1e-9));
  CHECK(narrow.d_model == Approx(2048).epsilon(1e-9));
  CHECK(narrow.d_model / narrow.n_layer == Approx(16).epsilon(1e-12));
  CHECK(12 * narrow.n_layer * narrow.d_model * narrow.d_model == Approx(n).epsilon(1e-12));
  for (double params : {1e8, 7e9, 7e10, 1e12}) {
    for (double aspect : {32.0, 64.0, 256.0}) {
      const Shape s = round_shape(params, kDefaultVocab, aspect);
      INFO(params << " at " << aspect << ": " << s.n_layer << " x " << s.d_model);
      // Near N (a narrow ratio's few wide heads step d_model by 1024, so up to 10% off; the law
      // is evaluated at the shape's own N) ...
      CHECK(std::abs(std::log(non_embedding_params(s) / params)) < 0.1);
      // ... and within the rounding of n_layer (25%) and of the heads (a step of 8 x 128 from 16 heads),
      // which a small model's few layers and heads make coarse.
      const double got = static_cast<double>(s.d_model) / s.n_layer;
      CHECK(std::abs(std::log(got / aspect)) < (params < 1e9 ? std::log(2.0) : std::log(1.5)));
    }
    // A wider ratio never gives a deeper model.
    CHECK(round_shape(params, kDefaultVocab, 256).n_layer <=
          round_shape(params, kDefaultVocab, 32).n_layer);
  }
}
