// Memory per GPU (model/memory.*): Korthikanti et al. 2022 Table 2's activations, the model
// states by ZeRO stage, Megatron-LM's theoretical memory formula, and monotonicity.

#include "scaleplan/model/memory.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using namespace scaleplan;

namespace {

constexpr double kMib = 1024.0 * 1024.0;

Layout layout_of(int tp, int pp, int dp, Recompute r, bool sp, bool flash, int zero = 1, int v = 1,
                 int cp = 1, int mbs = 1) {
  Layout l;
  l.tensor_parallel = tp;
  l.pipeline_parallel = pp;
  l.virtual_stages = v;
  l.context_parallel = cp;
  l.data_parallel = dp;
  l.micro_batch_size = mbs;
  l.recompute = r;
  l.sequence_parallel = sp;
  l.flash_attention = flash;
  l.zero_stage = zero;
  return l;
}

/// GPT-3 175B (Brown et al. 2020 Table 2.1) at Korthikanti's seq 2048 and vocab 51200.
const Shape& gpt3() {
  static const Shape s = gpt_shape(96, 12288, 96, 51200);
  return s;
}

}  // namespace

TEST_CASE("memory: activations per layer are Korthikanti et al. 2022 Table 2, row by row",
          "[memory]") {
  // Bytes per layer for one micro-batch of b sequences of s tokens, hidden h, a heads, t-way
  // tensor parallelism, with the attention scores materialised (as in the paper):
  //   no parallelism                    s b h (34 + 5 a s / h)
  //   tensor parallel                   s b h (10 + 24/t + 5 a s / (h t))
  //   tensor + sequence parallel        s b h (34/t + 5 a s / (h t))
  //   tensor parallel + selective       s b h (10 + 24/t)
  //   tensor + sequence + selective     s b h 34/t
  //   full recomputation                s b h 2
  const Shape& m = gpt3();
  const int seq = 2048;
  const double s = seq, h = m.d_model, a = m.n_head;
  for (int b : {1, 4}) {
    for (int t : {1, 2, 8}) {
      INFO("b " << b << " t " << t);
      const double sbh = s * b * h, attn = 5 * a * s / h;
      const auto bytes = [&](Recompute r, bool sp) {
        return layer_activation_bytes(m, seq, layout_of(t, 1, 1, r, sp, false, 1, 1, 1, b));
      };
      if (t == 1) CHECK(bytes(Recompute::kNone, false) == Approx(sbh * (34 + attn)));
      CHECK(bytes(Recompute::kNone, false) == Approx(sbh * (10 + 24.0 / t + attn / t)));
      CHECK(bytes(Recompute::kNone, true) == Approx(sbh * (34.0 / t + attn / t)));
      CHECK(bytes(Recompute::kSelective, false) == Approx(sbh * (10 + 24.0 / t)));
      CHECK(bytes(Recompute::kSelective, true) == Approx(sbh * 34.0 / t));
      CHECK(bytes(Recompute::kFull, false) == Approx(sbh * 2));
      // memory.cpp keeps the sequence-parallel layer input split over the TP ranks (Megatron
      // stores what each rank received): 2 s b h / t.
      CHECK(bytes(Recompute::kFull, true) == Approx(sbh * 2 / t));
    }
  }
}

TEST_CASE("memory: FlashAttention keeps fp32 softmax statistics instead of the 5 a s^2 b scores",
          "[memory]") {
  // memory.hpp: FlashAttention (Dao et al. 2022) stores no s x s scores, only the log-sum-exp
  // of each query and head in fp32: 4 s b a bytes, split over TP ranks. Selective recomputation
  // then changes nothing (the scores are already recomputed).
  const Shape& m = gpt3();
  const double s = 8192, h = m.d_model, a = m.n_head;
  for (int t : {1, 8}) {
    const double sbh = s * h;
    CHECK(layer_activation_bytes(m, 8192, layout_of(t, 1, 1, Recompute::kNone, true, true)) ==
          Approx(sbh * 34 / t + 4 * s * a / t));
    CHECK(layer_activation_bytes(m, 8192, layout_of(t, 1, 1, Recompute::kSelective, true, true)) ==
          layer_activation_bytes(m, 8192, layout_of(t, 1, 1, Recompute::kNone, true, true)));
  }
}

TEST_CASE("memory: GQA and SwiGLU change only the tensors they shrink or add", "[memory]") {
  // Llama 3 70B (Dubey et al. 2024 Table 3): 80 layers, 8192 wide, 64 heads, 8 KV heads, SwiGLU
  // FFN 28672. Per token and layer with SP and selective recomputation: Q and the attention
  // output 2 h each, K and V 2 x 2 kv_width, the FFN's gate, up and product 6 f, the 10 h of
  // norm and residual inputs and dropout masks; all over t.
  const Shape llama{80, 8192, 64, 8, 28672, FfnKind::kSwiglu, 128256, Moe{}};
  const double s = 8192, h = 8192, kv = 1024, f = 28672, t = 8;
  CHECK(
      layer_activation_bytes(llama, 8192, layout_of(8, 1, 1, Recompute::kSelective, true, false)) ==
      Approx(s * (2 * h + 4 * kv + 2 * h + 6 * f + 10 * h) / t));
  // Context parallelism divides the sequence each rank holds.
  CHECK(layer_activation_bytes(llama, 8192,
                               layout_of(8, 1, 1, Recompute::kSelective, true, false, 1, 1, 4)) ==
        Approx(s / 4 * (2 * h + 4 * kv + 2 * h + 6 * f + 10 * h) / t));
}

TEST_CASE("memory: model states are 2 + 4 + 12 bytes per parameter, sharded by ZeRO stage",
          "[memory]") {
  // memory.hpp: bf16 weights, fp32 main gradients, fp32 master weights and Adam moments
  // (Megatron's 18 bytes; ZeRO, Rajbhandari et al. 2020 Sec. 3.1, counts 2-byte gradients and
  // 16). ZeRO 1 divides the 12 optimizer bytes by the data-parallel ranks (Megatron's
  // distributed optimizer: 6 + 12/dp), ZeRO 2 also the gradients, ZeRO 3 also the weights
  // (Rajbhandari Sec. 5: P_os, P_os+g, P_os+g+p).
  const Shape& m = gpt3();
  for (int dp : {1, 8, 64}) {
    for (int t : {1, 8}) {
      INFO("dp " << dp << " t " << t);
      const double params = non_embedding_params(m) / t + embedding_params(m) / t;
      const auto states = [&](int zero) {
        const MemoryUse u =
            training_memory(m, 2048, layout_of(t, 1, dp, Recompute::kFull, t > 1, true, zero), 1);
        return u.weights + u.gradients + u.optimizer;
      };
      CHECK(states(0) == Approx(18 * params));
      CHECK(states(1) == Approx((6 + 12.0 / dp) * params));
      CHECK(states(2) == Approx((2 + 16.0 / dp) * params));
      CHECK(states(3) == Approx(18.0 / dp * params));
    }
  }
}

TEST_CASE("memory: GPT-3 175B matches Megatron-LM's theoretical memory formula", "[memory]") {
  // megatron/training/theoretical_memory_usage.py (NVIDIA/Megatron-LM d98e8a6, 2026-08), as
  // computed in research/calibration_notes.md (b): TP 8, PP 8, DP 8, distributed optimizer,
  // sequence parallelism and selective recomputation, micro-batch 1, at least 8 micro-batches:
  // 2,797,145,088 parameters on the first stage, weights and optimizer 20,006.7 MiB,
  // activations 9,816.0 MiB. scaleplan leaves out biases and norms (0.02% of the parameters)
  // and the embedding dropout mask (24 MiB of the activations).
  const Layout l = layout_of(8, 8, 8, Recompute::kSelective, true, false, 1);
  const MemoryUse u = training_memory(gpt3(), 2048, l, 8);
  CHECK((u.weights + u.gradients + u.optimizer) / kMib == Approx(20006.7).epsilon(0.001));
  CHECK(u.activations / kMib == Approx(9816.0).epsilon(0.01));
  CHECK(u.buffers == 0);
}

TEST_CASE("memory: Llama 3 8B's states match Megatron-LM's formula", "[memory]") {
  // calibration_notes.md (b): Llama 3 8B, TP 1, PP 1, DP 8, distributed optimizer: 8,030,261,248
  // parameters (norms included), weights and optimizer 57,436.9 MiB. scaleplan omits the norms.
  const Shape llama{32, 4096, 32, 8, 14336, FfnKind::kSwiglu, 128256, Moe{}};
  const MemoryUse u =
      training_memory(llama, 8192, layout_of(1, 1, 8, Recompute::kSelective, false, true, 1), 8);
  CHECK((u.weights + u.gradients + u.optimizer) / kMib == Approx(57436.9).epsilon(0.001));
}

TEST_CASE("memory: 1F1B keeps min(m, p) micro-batches in flight, more when interleaved",
          "[memory]") {
  // Korthikanti et al. 2022 Sec. 4.2.3: the first stage holds p micro-batches of L/p layers
  // (L layers' worth), times 1 + (p - 1)/(p v) with v interleaved stages.
  const Shape& m = gpt3();
  const Layout l = layout_of(8, 8, 1, Recompute::kSelective, true, false);
  const double layer = layer_activation_bytes(m, 2048, l);
  CHECK(training_memory(m, 2048, l, 64).activations == Approx(96 * layer));
  CHECK(training_memory(m, 2048, l, 2).activations == Approx(12 * 2 * layer));
  Layout interleaved = l;
  interleaved.virtual_stages = 3;
  CHECK(training_memory(m, 2048, interleaved, 64).activations ==
        Approx(96 * layer * (1 + 7.0 / 24)));
  // Without a pipeline the last (only) stage holds one micro-batch and the fp32 logits,
  // 4 s b h / t (1 + V/h) bytes (Megatron).
  const Layout single = layout_of(8, 1, 8, Recompute::kSelective, true, false);
  const double logits = 4.0 * 2048 * 12288 / 8 * (1 + 51200.0 / 12288);
  CHECK(training_memory(m, 2048, single, 64).activations ==
        Approx(96 * layer_activation_bytes(m, 2048, single) + logits));
}

TEST_CASE("memory: full recomputation keeps the inputs and rebuilds one layer at a time",
          "[memory]") {
  const Shape& m = gpt3();
  const Layout full = layout_of(8, 1, 1, Recompute::kFull, true, true);
  const LayerActivations a = layer_activations(m, 2048, full);
  CHECK(a.kept == Approx(2.0 * 2048 * 12288 / 8));
  CHECK(a.working ==
        layer_activation_bytes(m, 2048, layout_of(8, 1, 1, Recompute::kNone, true, true)));
  const double logits = 4.0 * 2048 * 12288 / 8 * (1 + 51200.0 / 12288);
  CHECK(training_memory(m, 2048, full, 4).activations == Approx(96 * a.kept + a.working + logits));
}

TEST_CASE("memory: more TP, PP, ZeRO or recomputation never raises memory per GPU", "[memory]") {
  // Shapes whose layers divide evenly into the pipeline depths tried (uneven stages put
  // ceil(L/p) layers on the fullest one, which can outweigh the weights saved), at least as
  // many micro-batches as stages, ZeRO 3 with at least 2 ranks (one rank has nothing to shard
  // and ZeRO 3 keeps its gather buffers on top).
  const std::vector<Shape> shapes = {
      gpt_shape(32, 4096, 32, 32000), gpt3(),
      Shape{80, 8192, 64, 8, 28672, FfnKind::kSwiglu, 128256, Moe{}}};
  for (const Shape& m : shapes)
    for (int seq : {2048, 8192, 32768})
      for (bool flash : {false, true})
        for (int dp : {2, 8, 64})
          for (int mbs : {1, 4}) {
            INFO("n_layer " << m.n_layer << " seq " << seq << " flash " << flash << " dp " << dp
                            << " mbs " << mbs);
            const int micro_batches = 16;
            const auto total = [&](int tp, int pp, Recompute r, int zero) {
              const Layout l = layout_of(tp, pp, dp, r, tp > 1, flash, zero, 1, 1, mbs);
              REQUIRE(layout_problem(l, m, seq).empty());
              return training_memory(m, seq, l, micro_batches).total();
            };
            for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull})
              for (int zero : {0, 1, 2, 3})
                for (int pp : {1, 2, 4, 8})
                  for (int tp : {1, 2, 4, 8}) {
                    INFO("tp " << tp << " pp " << pp << " zero " << zero);
                    const double here = total(tp, pp, r, zero);
                    if (tp < 8) CHECK(total(tp * 2, pp, r, zero) <= here);
                    if (pp < 8) CHECK(total(tp, pp * 2, r, zero) <= here);
                    if (zero < 3) CHECK(total(tp, pp, r, zero + 1) <= here);
                    if (r == Recompute::kNone) {
                      CHECK(total(tp, pp, Recompute::kSelective, zero) <= here);
                      CHECK(total(tp, pp, Recompute::kFull, zero) <= here);
                    }
                    // With materialised scores, full recomputation's one rebuilt layer holds
                    // its 5 a s^2 b scores while selective is charged none (memory.cpp counts
                    // no working set for it), so full > selective at long sequences (32 layers
                    // at 32k: 38.8 GB against 33.9 GB at TP 8); checked with FlashAttention.
                    if (r == Recompute::kSelective && flash)
                      CHECK(total(tp, pp, Recompute::kFull, zero) <= here);
                  }
          }
}

TEST_CASE("memory: usable capacity is the device's GiB less the 8% reserve", "[memory]") {
  Gpu gpu;
  gpu.memory_gib = 79.65;
  CHECK(usable_memory_bytes(gpu) == Approx(79.65 * kGib * (1 - kMemoryReserveFraction)));
  CHECK(usable_memory_bytes(gpu) / kGib == Approx(73.278));
}
