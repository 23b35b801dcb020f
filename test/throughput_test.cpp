// The step-time model (model/throughput.*) against published step times, Megatron's FLOPs
// accounting and the properties any step-time model must have.

#include "scaleplan/model/throughput.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "scaleplan/io/configs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const Gpu& gpu_named(const std::string& name) {
  static const GpuTable table = load_gpu_table("");
  return *find_gpu(table, name);
}

/// Megatron-LM as Korthikanti et al. 2022 ran it (Sec. 6): 16-bit, no data parallelism beyond
/// what the row states, attention scores materialised (no FlashAttention), no
/// distributed optimizer, the data-parallel all-reduce not overlapped (Sec. 6.3).
Layout megatron_2022(int tp, int pp, int v, int dp, int mbs, bool present_work) {
  Layout l;
  l.tensor_parallel = tp;
  l.pipeline_parallel = pp;
  l.virtual_stages = v;
  l.data_parallel = dp;
  l.micro_batch_size = mbs;
  // "Present work" = sequence parallelism + selective recomputation; the baseline is full
  // recomputation without sequence parallelism (Table 5's two columns).
  l.recompute = present_work ? Recompute::kSelective : Recompute::kFull;
  l.sequence_parallel = present_work;
  l.zero_stage = 0;
  l.flash_attention = false;
  l.overlap_data_parallel = false;
  return l;
}

/// Korthikanti et al. 2022 Table 3 (model, layout, global batch and micro-batch; seq 2048, vocab
/// 51200; interleaved with 3 stages per GPU for 175B and 530B, Sec. 6; not stated for 1T, taken
/// as 1) and Table 5 (iteration time in seconds, full recomputation and present work).
struct Table5Row {
  const char* model;
  int n_layer, d_model, n_head, gpus, tp, pp, v, batch, micro_batch;
  double full_s, present_s;
  double present_mfu;  ///< Table 5's printed model FLOPs utilisation of the present work
};
const std::vector<Table5Row>& table5() {
  static const std::vector<Table5Row> rows = {
      {"22B", 48, 6144, 64, 8, 8, 1, 1, 4, 4, 1.42, 1.10, 0.415},
      {"175B", 96, 12288, 96, 64, 8, 8, 3, 64, 1, 18.13, 13.75, 0.514},
      {"530B", 105, 20480, 128, 280, 8, 35, 3, 280, 1, 49.05, 37.83, 0.560},
      {"1T", 128, 25600, 160, 512, 8, 64, 1, 512, 1, 94.42, 71.49, 0.563},
  };
  return rows;
}
constexpr int kKorthikantiSeq = 2048;
constexpr int kKorthikantiVocab = 51200;

/// A mid-sized GPT (13B-class) for the property tests.
const Shape& mid_shape() {
  static const Shape s = gpt_shape(40, 5120, 40, 50304);
  return s;
}

Layout layout_of(int tp, int pp, int v, int cp, int dp, Recompute r, int zero, bool overlap) {
  Layout l;
  l.tensor_parallel = tp;
  l.pipeline_parallel = pp;
  l.virtual_stages = v;
  l.context_parallel = cp;
  l.data_parallel = dp;
  l.recompute = r;
  l.zero_stage = zero;
  l.sequence_parallel = tp > 1;
  l.overlap_data_parallel = overlap;
  return l;
}

/// Layouts that exercise every part of the step: TP inside and across nodes, PP with and without
/// interleaving, CP, DP with ZeRO 0/1/3, overlap on and off, recomputation.
std::vector<Layout> property_layouts() {
  return {
      layout_of(1, 1, 1, 1, 1, Recompute::kNone, 1, true),
      layout_of(8, 1, 1, 1, 1, Recompute::kNone, 1, true),
      layout_of(8, 1, 1, 1, 16, Recompute::kFull, 0, false),
      layout_of(4, 4, 1, 1, 8, Recompute::kNone, 1, true),
      layout_of(2, 4, 5, 1, 8, Recompute::kSelective, 1, false),
      layout_of(1, 1, 1, 1, 64, Recompute::kNone, 3, true),
      layout_of(1, 1, 1, 1, 64, Recompute::kNone, 3, false),
      layout_of(8, 2, 1, 4, 4, Recompute::kFull, 1, true),
      layout_of(16, 1, 1, 1, 2, Recompute::kNone, 1, true),  // TP across two nodes
  };
}
constexpr int kPropertySeq = 8192;

double step_seconds(const Layout& l, int micro_batches, const Gpu& gpu,
                    Precision p = Precision::kBf16, const Shape& s = mid_shape(),
                    int seq = kPropertySeq) {
  return step_time(s, seq, l, micro_batches, gpu, p).seconds;
}

}  // namespace

TEST_CASE("throughput: Korthikanti et al. 2022 Table 5 step times, each within 10%, mean 5%",
          "[throughput]") {
  // The acceptance target of issue 10 (item 1); docs/models.md states 2.8% mean.
  const Gpu& a100 = gpu_named("A100-80GB");
  double sum_abs = 0;
  int rows = 0;
  for (const Table5Row& r : table5()) {
    const Shape s = gpt_shape(r.n_layer, r.d_model, r.n_head, kKorthikantiVocab);
    const int dp = r.gpus / (r.tp * r.pp);
    REQUIRE(dp == 1);
    for (bool present : {false, true}) {
      const Layout l = megatron_2022(r.tp, r.pp, r.v, dp, r.micro_batch, present);
      REQUIRE(layout_problem(l, s, kKorthikantiSeq).empty());
      const int micro_batches = r.batch / r.micro_batch;  // one model replica
      const double predicted =
          step_time(s, kKorthikantiSeq, l, micro_batches, a100, Precision::kBf16).seconds;
      const double measured = present ? r.present_s : r.full_s;
      const double err = predicted / measured - 1;
      INFO(r.model << (present ? " present work" : " full recompute") << ": predicted " << predicted
                   << " s, measured " << measured << " s");
      CHECK(std::abs(err) <= 0.10);
      sum_abs += std::abs(err);
      ++rows;
    }
  }
  REQUIRE(rows == 8);
  CHECK(sum_abs / rows <= 0.05);
}

TEST_CASE("throughput: 530B on 2240 GPUs (8-way data parallel, all-reduce exposed) within 10%",
          "[throughput]") {
  // Korthikanti et al. 2022 Sec. 6.3: "time per iteration increases slightly from 37.83 seconds
  // to 39.15 seconds" at 8-way data parallelism, the gradient all-reduce not overlapped.
  const Shape s = gpt_shape(105, 20480, 128, kKorthikantiVocab);
  const Layout l = megatron_2022(8, 35, 3, 8, 1, true);
  const StepTime t =
      step_time(s, kKorthikantiSeq, l, 280, gpu_named("A100-80GB"), Precision::kBf16);
  CHECK(t.seconds == Approx(39.15).epsilon(0.10));
  CHECK(t.dp_comm_s > 0);
  // Data parallelism only adds the all-reduce: the step without it is the 280-GPU row's.
  const StepTime alone = step_time(s, kKorthikantiSeq, megatron_2022(8, 35, 3, 1, 1, true), 280,
                                   gpu_named("A100-80GB"), Precision::kBf16);
  CHECK(t.seconds - t.dp_comm_s == Approx(alone.seconds).epsilon(1e-12));
}

TEST_CASE("throughput: model FLOPs per token give Table 5's printed MFU from its step times",
          "[throughput]") {
  // Korthikanti et al. 2022 Table 5 (present work): MFU = Eq. 7 FLOPs / (time x GPUs x 312
  // TFLOP/s); the paper rounds to 0.1 point, and the 22B row prints 41.5 for a computed 41.7.
  const double peak = peak_flops_per_s(gpu_named("A100-80GB"), Precision::kBf16);
  CHECK(peak == 312e12);
  for (const Table5Row& r : table5()) {
    INFO(r.model);
    const Shape s = gpt_shape(r.n_layer, r.d_model, r.n_head, kKorthikantiVocab);
    const double batch_tokens = static_cast<double>(r.batch) * kKorthikantiSeq;
    const double mfu =
        model_flops_per_token(s, kKorthikantiSeq) * batch_tokens / (r.present_s * r.gpus * peak);
    CHECK(mfu == Approx(r.present_mfu).epsilon(0.01));
  }
}

TEST_CASE("throughput: Narayanan et al. 2021 Eq. 3 is the model FLOPs plus one recomputed forward",
          "[throughput]") {
  // Narayanan 2021 Eq. 3 counts activation recomputation: F = 96 B s l h^2 (1 + s/6h + V/16lh)
  // per batch, i.e. per token the model FLOPs (Eq. 7) plus a second forward of the layers, 2 x 12
  // l h^2 + 4 l h s; the head is not recomputed. GPT-3 175B at seq 2048, vocab 51200 (Table 1).
  const Shape s = gpt_shape(96, 12288, 96, 51200);
  const double l = 96, h = 12288, seq = 2048, v = 51200;
  const double eq3 = 96 * l * h * h * (1 + seq / (6 * h) + v / (16 * l * h));
  CHECK(model_flops_per_token(s, seq) + 2 * non_embedding_params(s) + 4 * l * h * seq ==
        Approx(eq3).epsilon(1e-12));
}

TEST_CASE("throughput: the bf16 matmul curve reproduces the measured H100 sweep (rms <= 8%)",
          "[throughput]") {
  // hardware.hpp: fitted to shared/data/h100_matmul.csv, "within 6-8% rms" of the sizes.
  const std::string path = test::shared_path("data/h100_matmul.csv");
  SKIP_WITHOUT_SHARED(path);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header: dtype,m,n,k,seconds,tflops
  const Gpu& h100 = gpu_named("H100-SXM");
  double sum_sq = 0;
  int rows = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string dtype, field;
    std::getline(row, dtype, ',');
    if (dtype != "bf16") continue;
    double v[4];
    for (double& x : v) {
      std::getline(row, field, ',');
      x = std::stod(field);
    }
    const double predicted = matmul_seconds(v[0], v[1], v[2], h100, Precision::kBf16);
    INFO(line << ": predicted " << predicted);
    CHECK(std::abs(std::log(predicted / v[3])) < 0.15);
    sum_sq += std::pow(std::log(predicted / v[3]), 2);
    ++rows;
  }
  REQUIRE(rows == 9);
  CHECK(std::sqrt(sum_sq / rows) <= 0.08);
}

TEST_CASE("throughput: the 1F1B bubble is (p - 1) / (v m) of the pipelined time (Narayanan 2021)",
          "[throughput]") {
  // Narayanan et al. 2021 Sec. 2.2: bubble time fraction (p - 1) / m, divided by v with
  // interleaving; of the whole step (bubble included) it is (p - 1) / (m + p - 1) when v = 1.
  const Gpu& h100 = gpu_named("H100-SXM");
  for (int p : {1, 2, 4, 8}) {
    for (int v : {1, 2, 5}) {
      if (v > 1 && p == 1) continue;
      for (int m : {1, 4, 16, 64}) {
        INFO("p " << p << " v " << v << " m " << m);
        const Layout l = layout_of(2, p, v, 1, 1, Recompute::kNone, 1, true);
        const StepTime t = step_time(mid_shape(), kPropertySeq, l, m, h100, Precision::kBf16);
        const MicroBatchTime mb =
            micro_batch_time(mid_shape(), kPropertySeq, l, h100, Precision::kBf16);
        const double per_micro_batch = mb.forward_s + mb.backward_s + t.pp_comm_s / m;
        const double pipelined = m * per_micro_batch;
        CHECK(
            t.bubble_s ==
            Approx(static_cast<double>(p - 1) / (v * m) * pipelined).epsilon(1e-12).margin(1e-15));
        if (v == 1)
          CHECK(t.bubble_s / (t.bubble_s + pipelined) ==
                Approx(static_cast<double>(p - 1) / (m + p - 1)).epsilon(1e-12).margin(1e-15));
      }
    }
  }
}

TEST_CASE("throughput: the step is the sum of its parts", "[throughput]") {
  const Gpu& h100 = gpu_named("H100-SXM");
  for (const Layout& l : property_layouts()) {
    const StepTime t = step_time(mid_shape(), kPropertySeq, l, 8, h100, Precision::kBf16);
    CHECK(t.seconds == Approx(t.compute_s + t.bubble_s + t.tp_comm_s + t.cp_comm_s + t.pp_comm_s +
                              t.dp_comm_s + t.optimizer_s + t.overhead_s)
                           .epsilon(1e-12));
    CHECK(t.bubble_fraction() >= 0);
    CHECK(t.exposed_communication_fraction() >= 0);
    CHECK(t.exposed_communication_fraction() + t.bubble_fraction() < 1);
  }
}

TEST_CASE("throughput: a higher peak TFLOP/s never makes a step slower", "[throughput]") {
  for (const Layout& l : property_layouts())
    for (Precision p : {Precision::kBf16, Precision::kFp8}) {
      Gpu gpu = gpu_named("H100-SXM");
      double previous = INFINITY;
      for (double scale : {0.25, 0.5, 1.0, 2.0, 4.0, 16.0}) {
        gpu.tflops = gpu_named("H100-SXM").tflops;
        for (auto& [precision, tflops] : gpu.tflops) tflops *= scale;
        const double seconds = step_seconds(l, 8, gpu, p);
        INFO("tp " << l.tensor_parallel << " pp " << l.pipeline_parallel << " dp "
                   << l.data_parallel << " peak x" << scale);
        CHECK(seconds <= previous);
        previous = seconds;
      }
    }
}

TEST_CASE("throughput: more NVLink, NIC or HBM bandwidth never makes a step slower",
          "[throughput]") {
  const Gpu& base = gpu_named("H100-SXM");
  for (const Layout& l : property_layouts())
    for (int link = 0; link < 3; ++link) {
      double previous = INFINITY;
      for (double scale : {0.1, 0.5, 1.0, 2.0, 10.0}) {
        Gpu gpu = base;
        if (link == 0) gpu.nvlink_gbps *= scale;
        if (link == 1) gpu.scale_out_gbps *= scale;
        if (link == 2) gpu.mem_bw_tbps *= scale;
        const double seconds = step_seconds(l, 8, gpu);
        INFO("link " << link << " x" << scale << ": tp " << l.tensor_parallel << " pp "
                     << l.pipeline_parallel << " cp " << l.context_parallel << " dp "
                     << l.data_parallel << " zero " << l.zero_stage);
        CHECK(seconds <= previous * (1 + 1e-12));
        previous = seconds;
      }
    }
}

TEST_CASE("throughput: tensor parallelism across nodes is slower than inside one", "[throughput]") {
  // 8-way TP on 8-GPU nodes stays on NVLink; on 4- or 2-GPU nodes it crosses the NICs.
  Gpu gpu = gpu_named("H100-SXM");
  const Layout l = layout_of(8, 1, 1, 1, 4, Recompute::kNone, 1, true);
  const StepTime inside = step_time(mid_shape(), kPropertySeq, l, 8, gpu, Precision::kBf16);
  const Link nvlink = collective_link(gpu, 8, 1);
  CHECK(nvlink.bytes_per_s == Approx(gpu.nvlink_gbps * 1e9 * kScaleUpBusEfficiency));
  double previous = inside.seconds;
  for (int per_node : {4, 2}) {
    gpu.gpus_per_node = per_node;
    const StepTime across = step_time(mid_shape(), kPropertySeq, l, 8, gpu, Precision::kBf16);
    INFO(per_node << " GPUs per node");
    CHECK(across.tp_comm_s > inside.tp_comm_s);
    CHECK(across.seconds > previous);
    CHECK(collective_link(gpu, 8, 1).bytes_per_s < nvlink.bytes_per_s);
    previous = across.seconds;
  }
}

TEST_CASE(
    "throughput: tensor-parallel traffic is 2 all-reduces per pass, the same bytes with "
    "sequence parallelism (Korthikanti Sec. 4.2.2)",
    "[throughput]") {
  // Without SP: 2 ring all-reduces of the b s h activations per pass, 2 (t - 1)/t S / B each
  // (the ring's bus bandwidth, Patarasuk & Yuan 2009). With SP: 2 all-gathers and 2
  // reduce-scatters of (t - 1)/t S / B each, the same bandwidth term; each of the four pays
  // NCCL's ring latency (ring_latency_seconds) where the two all-reduces pay latency_s.
  const Gpu& h100 = gpu_named("H100-SXM");
  const Shape& s = mid_shape();
  for (int tp : {2, 4, 8}) {
    INFO("tp " << tp);
    Layout l = layout_of(tp, 1, 1, 1, 1, Recompute::kNone, 1, true);
    l.sequence_parallel = false;
    const LayerCost plain = layer_cost(s, kPropertySeq, l, h100, Precision::kBf16);
    l.sequence_parallel = true;
    const LayerCost sp = layer_cost(s, kPropertySeq, l, h100, Precision::kBf16);
    const Link link = collective_link(h100, tp, 1);
    const double bytes = 1.0 * kPropertySeq * s.d_model * 2;  // bf16 activations, b = 1
    const double t = tp;
    CHECK(plain.forward.tp_comm_s ==
          Approx(2 * (link.latency_s + 2 * (t - 1) / t * bytes / link.bytes_per_s)));
    CHECK(plain.backward.tp_comm_s == Approx(plain.forward.tp_comm_s));
    CHECK(sp.forward.tp_comm_s - plain.forward.tp_comm_s ==
          Approx(4 * link.ring_latency_s - 2 * link.latency_s));
    CHECK(link.ring_latency_s == Approx(ring_latency_seconds(tp, 1)));
  }
}

TEST_CASE("throughput: recomputation adds its forward share, overlap never slows a step",
          "[throughput]") {
  const Gpu& h100 = gpu_named("H100-SXM");
  const Shape& s = mid_shape();
  for (int m : {1, 8}) {
    Layout none = layout_of(4, 2, 1, 1, 4, Recompute::kNone, 1, true);
    Layout full = none;
    full.recompute = Recompute::kFull;
    const LayerCost layer = layer_cost(s, kPropertySeq, none, h100, Precision::kBf16);
    const StepTime t_none = step_time(s, kPropertySeq, none, m, h100, Precision::kBf16);
    const StepTime t_full = step_time(s, kPropertySeq, full, m, h100, Precision::kBf16);
    // Full recomputation runs each layer's forward again in the backward (Korthikanti Sec. 5).
    CHECK(t_full.compute_s - t_none.compute_s ==
          Approx(m * layers_per_stage(s, none) * layer.forward.kernels()).epsilon(1e-9));
    CHECK(t_full.seconds > t_none.seconds);
    // FlashAttention already recomputes the attention core: selective costs nothing more.
    Layout selective = none;
    selective.recompute = Recompute::kSelective;
    CHECK(step_seconds(selective, m, h100, Precision::kBf16, s) == Approx(t_none.seconds));
    for (const Layout& l : property_layouts()) {
      Layout overlapped = l, exposed = l;
      overlapped.overlap_data_parallel = true;
      exposed.overlap_data_parallel = false;
      CHECK(step_seconds(overlapped, m, h100) <= step_seconds(exposed, m, h100));
    }
  }
}

TEST_CASE("throughput: with links too fast to matter, data parallelism costs a replica nothing",
          "[throughput]") {
  // Weak scaling: adding replicas adds only collectives (hidden here) and shrinks the optimizer
  // shard (ZeRO 1); the per-replica work is unchanged (Narayanan et al. 2021 Fig. 15's ideal).
  Gpu gpu = gpu_named("H100-SXM");
  gpu.nvlink_gbps = 1e12;
  gpu.scale_out_gbps = 1e12;
  const Shape& s = mid_shape();
  const StepTime one =
      step_time(s, kPropertySeq, layout_of(8, 1, 1, 1, 1, Recompute::kNone, 1, true), 8, gpu,
                Precision::kBf16);
  const StepTime many =
      step_time(s, kPropertySeq, layout_of(8, 1, 1, 1, 128, Recompute::kNone, 1, true), 8, gpu,
                Precision::kBf16);
  CHECK(many.dp_comm_s == 0);  // overlapped with the backward
  CHECK(many.compute_s == one.compute_s);
  CHECK(many.optimizer_s < one.optimizer_s);
  CHECK(many.seconds - many.optimizer_s == Approx(one.seconds - one.optimizer_s).epsilon(1e-12));
}

TEST_CASE("throughput: data-parallel traffic by ZeRO stage, exposed when not overlapped",
          "[throughput]") {
  // throughput.cpp over the stage's weights P (fp32 gradients, bf16 weights), n = dp x cp ranks:
  // ZeRO 0 all-reduces the gradients, 2 (n-1)/n 4P; ZeRO 1-2 reduce-scatter them and all-gather
  // the updated weights, (n-1)/n (4P + 2P); ZeRO 3 (FSDP) gathers the weights in each
  // micro-batch's forward and backward and reduce-scatters the gradients, m (n-1)/n (2P + 2P +
  // 4P) (Rajbhandari et al. 2020 Sec. 7: 1x DP's volume for stages 1-2, 1.5x for stage 3 with
  // 2-byte gradients).
  const Gpu& h100 = gpu_named("H100-SXM");
  const Shape& s = mid_shape();
  const int m = 4, dp = 64;
  const double n = dp;
  for (int zero : {0, 1, 2, 3}) {
    INFO("ZeRO " << zero);
    const Layout l = layout_of(1, 1, 1, 1, dp, Recompute::kNone, zero, false);
    const MicroBatchTime mb = micro_batch_time(s, kPropertySeq, l, h100, Precision::kBf16);
    const StepTime t = step_time(mb, l, m, h100);
    const Link link = collective_link(h100, dp, 1);
    const double p = mb.stage_params, a = link.latency_s, bw = link.bytes_per_s;
    const double ring = link.ring_latency_s;  // all-gathers and reduce-scatters are rings
    const double units = layers_per_stage(s, l) + 1;  // ZeRO 3: one FSDP unit per layer + 1
    const double expected = zero == 0  ? a + 2 * (n - 1) / n * 4 * p / bw
                            : zero < 3 ? 2 * ring + (n - 1) / n * 6 * p / bw
                                       : m * (3 * units * ring + (n - 1) / n * 8 * p / bw);
    CHECK(t.dp_comm_s == Approx(expected).epsilon(1e-12));
  }
  // 64 GPUs span 8 nodes: the ring runs at the slower of NVLink and the node's 8 NICs (0.96 of
  // their line rate), 360 GB/s on H100; with 4 GPUs per node the 4 NICs bind.
  CHECK(collective_link(h100, dp, 1).bytes_per_s ==
        Approx(std::min(h100.nvlink_gbps * 1e9 * kScaleUpBusEfficiency,
                        8 * h100.scale_out_gbps * 1e9 * kScaleOutBusEfficiency)));
  Gpu four = h100;
  four.gpus_per_node = 4;
  CHECK(collective_link(four, dp, 1).bytes_per_s ==
        Approx(4 * h100.scale_out_gbps * 1e9 * kScaleOutBusEfficiency));
}

TEST_CASE("throughput: a ring all-gather's latency is NCCL's ring model (tuning.cc)",
          "[throughput]") {
  // NVIDIA/nccl src/graph/tuning.cc, Ring/Simple: baseLat 8.4 us, then n - 1 steps in sequence,
  // 3.4 us on NVLink (hwLat[NVLINK][RING][SIMPLE]) and 14 us for each of the nodes - 1 steps
  // across the network (hwLat[NET][RING][SIMPLE]).
  CHECK(ring_latency_seconds(1, 1) == 0);
  CHECK(ring_latency_seconds(8, 1) == Approx((8.4 + 7 * 3.4) * 1e-6));
  CHECK(ring_latency_seconds(64, 8) == Approx((8.4 + 56 * 3.4 + 7 * 14) * 1e-6));
  // 2,048 GPUs on 256 nodes (LLaMA 65B's cluster size): about 9.7 ms per collective, which a
  // log-depth latency (kCollectiveLatencyS + 2 log2(nodes) kScaleOutHopLatencyS = 90 us)
  // understates a hundredfold.
  CHECK(ring_latency_seconds(2048, 256) == Approx((8.4 + 1792 * 3.4 + 255 * 14) * 1e-6));
  const Gpu& a100 = gpu_named("A100-80GB");
  CHECK(collective_link(a100, 2048, 1).ring_latency_s ==
        Approx(ring_latency_seconds(2048, 256)));
  CHECK(collective_link(a100, 8, 1).ring_latency_s == Approx(ring_latency_seconds(8, 1)));
  // Ranks spaced a node apart (TP 8 inside) form a ring of one GPU per node.
  CHECK(collective_link(a100, 16, 8).ring_latency_s == Approx(ring_latency_seconds(16, 16)));
  // More ranks, more latency; never negative or NaN for absurd counts.
  double previous = 0;
  for (int n : {2, 8, 9, 64, 1024, 100000}) {
    const double r = ring_latency_seconds(n, (n + 7) / 8);
    CHECK(r > previous);
    CHECK(std::isfinite(r));
    previous = r;
  }
}

TEST_CASE(
    "throughput: ZeRO 3 pays one ring latency per FSDP unit and collective, and prefetching "
    "never hides the first unit's gather or the last unit's scatter",
    "[throughput]") {
  // With links too fast for bytes to matter, ZeRO 3's collectives are latency only: per
  // micro-batch 3 (layers + 1) ring latencies (a gather forward, a gather and a scatter backward
  // per unit), all overlapped but the first forward gather and the last backward scatter.
  Gpu gpu = gpu_named("H100-SXM");
  gpu.nvlink_gbps = 1e12;
  gpu.scale_out_gbps = 1e12;
  const Shape& s = mid_shape();
  const int dp = 64, m = 4;
  Layout l = layout_of(1, 1, 1, 1, dp, Recompute::kNone, 3, true);
  const double ring = collective_link(gpu, dp, 1).ring_latency_s;
  CHECK(ring == Approx(ring_latency_seconds(64, 8)));
  const MicroBatchTime mb = micro_batch_time(s, kPropertySeq, l, gpu, Precision::kBf16);
  CHECK(mb.stage_layers == layers_per_stage(s, l));
  const StepTime overlapped = step_time(mb, l, m, gpu);
  CHECK(overlapped.dp_comm_s == Approx(m * 2 * ring).epsilon(1e-6));
  l.overlap_data_parallel = false;
  const StepTime exposed = step_time(mb, l, m, gpu);
  CHECK(exposed.dp_comm_s == Approx(m * 3 * (mb.stage_layers + 1) * ring).epsilon(1e-6));
}
