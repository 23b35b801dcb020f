// The parallel layout (model/layout.*): what a layout may be for a shape, and its counts.

#include "scaleplan/model/layout.hpp"

#include <catch2/catch.hpp>

using namespace scaleplan;

namespace {

Layout layout_of(int tp, int pp, int v, int cp, int dp, int zero = 1) {
  Layout l;
  l.tensor_parallel = tp;
  l.pipeline_parallel = pp;
  l.virtual_stages = v;
  l.context_parallel = cp;
  l.data_parallel = dp;
  l.zero_stage = zero;
  return l;
}

/// Llama 3 405B (Dubey et al. 2024 Table 3): 126 layers, 128 heads, 8 KV heads.
const Shape kLlama405b{126, 16384, 128, 8, 53248, FfnKind::kSwiglu, 128256, Moe{}};

}  // namespace

TEST_CASE("layout: Llama 3 405B's published layout is legal and its stages uneven", "[layout]") {
  // Dubey et al. 2024 Table 4: TP 8, PP 16, DP 128 on 16,384 GPUs; 126 layers on 16 stages.
  const Layout l = layout_of(8, 16, 1, 1, 128);
  CHECK(layout_problem(l, kLlama405b, 8192).empty());
  CHECK(gpus_of(l) == 16384);
  CHECK(layers_per_stage(kLlama405b, l) == 8);  // ceil(126 / 16)
  CHECK(sharding_ranks(l) == 128);
  // Its 128k stage: CP 16 (Table 4), DP 8; ZeRO shards over DP x CP.
  const Layout long_context = layout_of(8, 16, 1, 16, 8);
  CHECK(layout_problem(long_context, kLlama405b, 131072).empty());
  CHECK(gpus_of(long_context) == 16384);
  CHECK(sharding_ranks(long_context) == 128);
}

TEST_CASE("layout: each illegal layout is named with its numbers", "[layout]") {
  const Shape gpt = gpt_shape(24, 2048, 16);
  CHECK(layout_problem(layout_of(3, 1, 1, 1, 1), gpt, 4096) ==
        "tensor_parallel 3 does not divide n_head 16");
  // 16 heads, 8 KV heads: TP 16 is a multiple of the KV heads (each KV head replicated), legal.
  const Shape gqa{24, 2048, 16, 8, 5632, FfnKind::kSwiglu, 32000, Moe{}};
  CHECK(layout_problem(layout_of(16, 1, 1, 1, 1), gqa, 4096).empty());
  const Shape six_kv{24, 2048, 12, 6, 5632, FfnKind::kSwiglu, 32000, Moe{}};
  CHECK(layout_problem(layout_of(4, 1, 1, 1, 1), six_kv, 4096) ==
        "tensor_parallel 4 and n_kv_heads 6 must divide one another");
  CHECK(layout_problem(layout_of(1, 8, 4, 1, 1), gpt, 4096) ==
        "pipeline_parallel x virtual_stages exceeds n_layer 24");
  CHECK(layout_problem(layout_of(1, 1, 2, 1, 1), gpt, 4096) ==
        "virtual_stages need pipeline_parallel > 1");
  CHECK(layout_problem(layout_of(1, 1, 1, 3, 1), gpt, 4096) ==
        "context_parallel 3 does not divide seq_len 4096");
  CHECK(layout_problem(layout_of(1, 1, 1, 1, 1, 4), gpt, 4096) ==
        "zero_stage must be 0, 1, 2 or 3");
  CHECK(layout_problem(layout_of(1, 1, 1, 1, 1, -1), gpt, 4096) ==
        "zero_stage must be 0, 1, 2 or 3");
}

TEST_CASE("layout: recompute and kernel names round-trip", "[layout]") {
  for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull})
    CHECK(parse_recompute(to_string(r)) == r);
  CHECK(to_string(Recompute::kSelective) == "selective");
  CHECK_FALSE(parse_recompute("partial"));
  for (Kernels k : {Kernels::kFused, Kernels::kEager}) CHECK(parse_kernels(to_string(k)) == k);
  CHECK_FALSE(parse_kernels("Fused"));
}
