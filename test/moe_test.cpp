// Mixture-of-Experts (issue 14, acceptance 1): active and total parameters, FLOPs from the
// active, memory from the total sharded by expert parallelism, the all-to-all in the step time,
// and DeepSeek-V3's run through `check`.

#include <algorithm>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <regex>

#include "cli_runner.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/inference.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/model/memory.hpp"
#include "scaleplan/model/throughput.hpp"

using namespace scaleplan;
using scaleplan::test::run_scaleplan;

namespace {

/// DeepSeek-V3 as scaleplan describes it (DeepSeek-AI 2024, arXiv 2412.19437, Sec. 4.2): every
/// layer MoE, attention multi-head of width d_model.
Shape deepseek_v3() {
  Shape s{61, 7168, 128, 128, 18432, FfnKind::kSwiglu, 129280, Moe{}};
  s.moe = {.experts = 256, .top_k = 8, .shared_experts = 1, .expert_hidden = 2048};
  return s;
}

const Gpu& h800() {
  static const GpuTable t = load_gpu_table("");
  return *find_gpu(t, "H800");
}

}  // namespace

TEST_CASE("moe: active and total parameters of DeepSeek-V3's shape", "[moe][architecture]") {
  const Shape s = deepseek_v3();
  const double attention = 4.0 * 7168 * 7168, expert = 3.0 * 7168 * 2048, router = 7168.0 * 256;
  CHECK(expert_params(s) == expert);
  CHECK(routed_expert_params(s) == 256 * expert);
  CHECK(non_embedding_params(s) == 61 * (attention + router + 9 * expert));
  CHECK(total_non_embedding_params(s) == 61 * (attention + router + 257 * expert));
  // Against the published 37B active and 671B total (with embeddings): within 6%, above them,
  // since V3's first 3 layers are dense and its MLA attention is smaller than multi-head.
  const double embedding = embedding_params(s);
  CHECK((non_embedding_params(s) + embedding) / 37e9 == Approx(1.045).epsilon(0.01));
  CHECK((total_non_embedding_params(s) + embedding) / 671e9 == Approx(1.051).epsilon(0.01));
  // FLOPs per token come from the active weights, not the total.
  CHECK(model_flops_per_token(s, 4096) ==
        Approx(6 * non_embedding_params(s) + 12.0 * 61 * 7168 * 4096 + 6.0 * 129280 * 7168));
}

TEST_CASE("moe: a dense shape has equal active and total parameters", "[moe][architecture]") {
  const Shape dense = gpt_shape(32, 4096, 32);
  CHECK(!is_moe(dense));
  CHECK(non_embedding_params(dense) == total_non_embedding_params(dense));
  CHECK(routed_expert_params(dense) == 0);
  // Switch-style experts as wide as the dense FFN: top-1 adds only the router to the active.
  const Shape moe = with_experts(dense, 16, 1);
  CHECK(is_moe(moe));
  CHECK(non_embedding_params(moe) == non_embedding_params(dense) + 32.0 * 4096 * 16);
  CHECK(total_non_embedding_params(moe) ==
        Approx(non_embedding_params(dense) + 32.0 * (15 * 2 * 4096.0 * 16384 + 4096.0 * 16)));
}

TEST_CASE("moe: expert parallelism divides the experts' weights, gradients and optimizer states",
          "[moe][memory]") {
  const Shape s = deepseek_v3();
  Layout one;
  one.pipeline_parallel = 16;
  one.data_parallel = 128;
  one.recompute = Recompute::kFull;
  Layout ep64 = one;
  ep64.expert_parallel = 64;
  const MemoryUse a = training_memory(s, 4096, one, 16), b = training_memory(s, 4096, ep64, 16);
  const double experts = layers_per_stage(s, one) * routed_expert_params(s);  // 4 layers
  CHECK(a.weights - b.weights == Approx(experts * (1 - 1.0 / 64) * kWeightBytes));
  CHECK(a.gradients - b.gradients == Approx(experts * (1 - 1.0 / 64) * kGradientBytes));
  // ZeRO 1 shares the experts' states over the 128 / 64 = 2 ranks holding the same experts.
  CHECK(b.optimizer - (a.optimizer - experts / 128 * kOptimizerStateBytes) ==
        Approx(experts / 64 / 2 * kOptimizerStateBytes));
  CHECK(a.total() > usable_memory_bytes(h800()));  // 45B expert weights per GPU do not fit
  CHECK(b.total() < usable_memory_bytes(h800()));
}

TEST_CASE("moe: the all-to-all costs nothing without expert parallelism and more across nodes",
          "[moe][throughput]") {
  const Shape s = deepseek_v3();
  Layout l;
  l.recompute = Recompute::kFull;
  CHECK(layer_cost(s, 4096, l, h800(), Precision::kFp8).forward.ep_comm_s == 0);
  l.expert_parallel = 8;  // one node
  const double inside = layer_cost(s, 4096, l, h800(), Precision::kFp8).forward.ep_comm_s;
  l.expert_parallel = 64;  // eight nodes
  const double across = layer_cost(s, 4096, l, h800(), Precision::kFp8).forward.ep_comm_s;
  // Dispatch of 4096 tokens x top-8 x 7168 in FP8 (1 byte) and combine in BF16 (2 bytes): 7/8
  // of it bound for the node's other GPUs over NVLink at 0.4 x 200 GB/s inside; 56/64 over the
  // 50 GB/s NIC at 0.4 across.
  const double copies = 4096.0 * 8 * 7168;
  CHECK(inside == Approx(2 * kCollectiveLatencyS + 7.0 / 8 * 3 * copies / (200e9 * 0.4)));
  CHECK(across > 3 * inside);  // H800: NVLink 200 GB/s, NIC 50 GB/s
  CHECK(across == Approx(56.0 / 64 * 3 * copies / (50e9 * 0.4)).epsilon(0.01));
  // bf16 training dispatches in 2 bytes: 4 bytes a copy for the pair instead of 3.
  l.expert_parallel = 8;
  CHECK(layer_cost(s, 4096, l, h800(), Precision::kBf16).forward.ep_comm_s ==
        Approx(2 * kCollectiveLatencyS + 7.0 / 8 * 4 * copies / (200e9 * 0.4)));
}

// DeepSeek-V3 (arXiv 2412.19437) Sec. 3.2.2: "we limit each token to be dispatched to at most 4
// nodes ... it will first be transmitted via IB to the GPUs with the same in-node index on its
// target nodes ... forwarded via NVLink to specific GPUs that host their target experts".
TEST_CASE("moe all-to-all: node-limited routing sends a token once per destination node",
          "[moe][throughput][all-to-all]") {
  const double tokens = 4096, token = 7168;  // one micro-batch, one byte an element
  // EP64 over 8 nodes of 8, top-8. Plain: 56 of 64 shares of the 8 copies leave the node, 7 of
  // 64 cross NVLink.
  const AllToAllTraffic plain = expert_all_to_all_traffic(tokens, 8, token, 64, 1, 8, 0);
  CHECK(plain.nodes == 8);
  CHECK(plain.scale_out_bytes == Approx(tokens * token * 8 * 56 / 64));
  CHECK(plain.scale_up_bytes == Approx(tokens * token * 8 * 7 / 64));
  // M = 4: 4 destination nodes, 7/8 of them remote: 3.5 IB sends a token, half of plain's 7;
  // every copy not on its entry GPU crosses NVLink: 8 x 7/8 = 7 sends a token.
  const AllToAllTraffic m4 = expert_all_to_all_traffic(tokens, 8, token, 64, 1, 8, 4);
  CHECK(m4.scale_out_bytes == Approx(tokens * token * 3.5));
  CHECK(m4.scale_up_bytes == Approx(tokens * token * 7));
  // H800 (50 GB/s NIC, 200 GB/s NVLink, both at 0.4): the NIC is still the slower link.
  const double latency = kCollectiveLatencyS + 2 * 3 * kScaleOutHopLatencyS;
  CHECK(all_to_all_seconds(m4, h800()) ==
        Approx(latency + tokens * token * 3.5 / (50e9 * kAllToAllEfficiency)));
  // A limit at or above the node count (top_k <= nodes) sends what the plain all-to-all sends
  // over the NIC and takes its time.
  for (int m : {8, 9, 1000000}) {
    const AllToAllTraffic t = expert_all_to_all_traffic(tokens, 8, token, 64, 1, 8, m);
    CHECK(t.scale_out_bytes == Approx(plain.scale_out_bytes));
    CHECK(all_to_all_seconds(t, h800()) == Approx(all_to_all_seconds(plain, h800())));
  }
  // One node (EP8): no NIC, the limit changes nothing. EP 1: nothing at all.
  const AllToAllTraffic node = expert_all_to_all_traffic(tokens, 8, token, 8, 1, 8, 4);
  CHECK(node.scale_out_bytes == 0);
  CHECK(node.scale_up_bytes == Approx(tokens * token * 8 * 7 / 8));
  CHECK(all_to_all_seconds(expert_all_to_all_traffic(tokens, 8, token, 1, 1, 8, 4), h800()) == 0);
  // top_k above the node count: a token reaches at most every node once (EP16 on 2 nodes,
  // top-8, M = 2: 2 x 1/2 = 1 IB send against plain's 8 x 8/16 = 4).
  CHECK(expert_all_to_all_traffic(tokens, 8, token, 16, 1, 8, 2).scale_out_bytes ==
        Approx(tokens * token));
  CHECK(expert_all_to_all_traffic(tokens, 8, token, 16, 1, 8, 0).scale_out_bytes ==
        Approx(tokens * token * 4));
  // Tensor parallelism spaces the EP ranks: TP2 puts 4 of them on a node.
  const AllToAllTraffic tp2 = expert_all_to_all_traffic(tokens, 8, token, 16, 2, 8, 4);
  CHECK(tp2.nodes == 4);
  CHECK(tp2.scale_out_bytes == Approx(tokens * token * 4 * 3 / 4));
  // The layer-level figure follows: M = 4 halves the across-node time of DeepSeek-V3's EP64.
  Shape s = deepseek_v3();
  Layout l;
  l.expert_parallel = 64;
  const double unlimited = layer_cost(s, 4096, l, h800(), Precision::kFp8).forward.ep_comm_s;
  s.moe.max_nodes_per_token = 8;
  CHECK(layer_cost(s, 4096, l, h800(), Precision::kFp8).forward.ep_comm_s == Approx(unlimited));
  s.moe.max_nodes_per_token = 4;
  const double limited = layer_cost(s, 4096, l, h800(), Precision::kFp8).forward.ep_comm_s;
  CHECK(limited - 2 * latency == Approx((unlimited - 2 * latency) / 2));
}

// DeepSeek-V3 Sec. 3.3.3: FP8 dispatch ("quantize the activation before MoE up-projections into
// FP8 and then apply dispatch components"), BF16 combine ("we retain them in BF16").
TEST_CASE("moe all-to-all: fp8 training dispatches in one byte and combines in two",
          "[moe][throughput][all-to-all]") {
  CHECK(dispatch_bytes_per_element(Precision::kFp8) == 1);
  CHECK(combine_bytes_per_element(Precision::kFp8) == 2);
  CHECK(dispatch_bytes_per_element(Precision::kBf16) == 2);
  CHECK(combine_bytes_per_element(Precision::kBf16) == 2);
  CHECK(dispatch_bytes_per_element(Precision::kFp32) == 4);
}

// DeepSeek-V3 Sec. 3.2.1 (DualPipe) and Sec. 3.5 ("20 out of the 132 SMs").
TEST_CASE("moe all-to-all: overlap hides the all-to-all behind compute, less the SMs it holds",
          "[moe][throughput][all-to-all]") {
  CHECK(kCommunicationSmShare == Approx(20.0 / 132));
  CHECK(exposed_all_to_all_seconds(10, 4) == Approx(6));  // more to send than to compute
  CHECK(exposed_all_to_all_seconds(1, 10) == Approx(20.0 / 132));  // hidden: the SMs it holds
  CHECK(exposed_all_to_all_seconds(0, 5) == 0);
  for (double a2a : {0.0, 1e-6, 0.01, 1.0, 7.0, 100.0})
    for (double compute : {0.0, 1e-6, 0.5, 1.0, 50.0, 1e4}) {
      const double exposed = exposed_all_to_all_seconds(a2a, compute);
      CHECK(exposed <= a2a);
      CHECK(exposed >= kCommunicationSmShare * a2a);
      CHECK(exposed >= a2a - compute);
    }
}

TEST_CASE("moe all-to-all: overlapping never makes a step slower",
          "[moe][throughput][all-to-all]") {
  const Shape s = deepseek_v3();
  int compared = 0;
  for (Precision p : {Precision::kBf16, Precision::kFp8})
    for (int ep : {1, 8, 32, 64, 256})
      for (int tp : {1, 2})
        for (int max_nodes : {0, 1, 4})
          for (Recompute rc : {Recompute::kNone, Recompute::kFull}) {
            Shape shape = s;
            shape.moe.max_nodes_per_token = max_nodes;
            Layout l;
            l.tensor_parallel = tp;
            l.sequence_parallel = tp > 1;
            l.pipeline_parallel = 16;
            l.expert_parallel = ep;
            l.data_parallel = 256;
            l.recompute = rc;
            Layout overlapped = l;
            overlapped.overlap_expert_parallel = true;
            const StepTime a = step_time(shape, 4096, l, 60, h800(), p);
            const StepTime b = step_time(shape, 4096, overlapped, 60, h800(), p);
            CHECK(b.seconds <= a.seconds);
            CHECK(b.ep_comm_s <= a.ep_comm_s);
            CHECK(b.compute_s == Approx(a.compute_s));
            if (ep == 1) CHECK(b.seconds == a.seconds);
            ++compared;
          }
  CHECK(compared == 120);
}

TEST_CASE("moe: DeepSeek-V3's pre-training through check, against its published GPU-hours",
          "[moe][check][cli]") {
  const auto r = run_scaleplan("check example:deepseek_v3_run --format json");
  REQUIRE(r.rc == 0);
  const auto report = nlohmann::json::parse(r.out);
  const double gpu_hours = report["cost"]["gpu_hours"].get<double>();
  // Published: 2.788M H800 GPU-hours in all, 2.664M of them pre-training (DeepSeek-V3 report,
  // Table 1). With the paper's communication (at most 4 nodes a token, FP8 dispatch, DualPipe's
  // overlap) scaleplan predicts 4.06M, 1.46x (27.3 s a step against the 20 s the published
  // figure implies; 6.7 s of all-to-all stay exposed). Without them it was 12.4M, 4.4x; without
  // the overlap it is 2.34x, without the node limit 2.71x, so the bound fails if either breaks.
  // This pins the factor, not a match: no constant was fitted to it.
  const double ratio = gpu_hours / 2.788e6;
  CHECK(ratio > 1);
  CHECK(ratio < 2);
  bool moe_finding = false;
  for (const auto& f : report["findings"])
    if (f["name"] == "moe") {
      moe_finding = true;
      CHECK(f["message"].get<std::string>().find("38.7B active of 705B total params") == 0);
    }
  CHECK(moe_finding);
}

TEST_CASE("moe: bad run.moe and expert_parallel inputs name the field", "[moe][bad-input]") {
  const std::string head = "run:\n  shape: {n_layer: 4, d_model: 512, n_head: 8}\n";
  const std::string tail = "  tokens: 1e9\n  gpu: H100\n  gpus: 16\n";
  const auto check = [&](const std::string& run) {
    return run_scaleplan("check r.yaml", {{"r.yaml", run}});
  };
  auto r = check("run:\n  params: 1e9\n  moe: {experts: 8, top_k: 1, expert_hidden: 2048}\n" +
                 tail);
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: r.yaml:3:8: run.moe: needs run.shape (the experts are part of the "
                 "shape)\n");
  r = check(head + "  moe: {experts: 8, top_k: 9, expert_hidden: 2048}\n" + tail);
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: r.yaml:3:28: run.moe.top_k: must be at most experts (8)\n");
  r = check(head + "  moe: {experts: 8, top_k: 1}\n" + tail);
  CHECK(r.rc == 2);
  CHECK(r.err.find("run.moe.expert_hidden: missing") != std::string::npos);
  r = check(head + "  moe: {experts: 8, top_k: 2, expert_hidden: 2048}\n" + tail +
            "  layout: {expert_parallel: 16}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: r.yaml:7:11: run.layout: expert_parallel 16 does not divide 8 "
                 "experts\n");
  r = check(head + "  moe: {experts: 8, top_k: 2, expert_hidden: 2048}\n" + tail +
            "  layout: {pipeline_parallel: 4, expert_parallel: 8}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: r.yaml:7:51: run.layout.expert_parallel: 8 does not divide the "
                 "data-parallel degree 4\n");
  r = check(head + tail + "  layout: {expert_parallel: 2}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: r.yaml:6:11: run.layout: expert_parallel 2 needs run.moe (experts)\n");
}

TEST_CASE("moe: bad max_nodes_per_token and overlap_expert_parallel inputs name the field",
          "[moe][bad-input]") {
  const std::string head = "run:\n  shape: {n_layer: 4, d_model: 512, n_head: 8}\n";
  const std::string tail = "  tokens: 1e9\n  gpu: H100\n  gpus: 16\n";
  const auto check = [&](const std::string& max_nodes, const std::string& overlap) {
    return run_scaleplan(
        "check r.yaml",
        {{"r.yaml", head + "  moe: {experts: 8, top_k: 2, expert_hidden: 2048, " +
                        "max_nodes_per_token: " + max_nodes + "}\n" + tail +
                        "  layout: {expert_parallel: 2, overlap_expert_parallel: " + overlap +
                        "}\n"}});
  };
  const std::string at = "scaleplan: r.yaml:3:73: run.moe.max_nodes_per_token: ";
  const std::pair<const char*, std::string> nodes[] = {
      {"0", "must be > 0, got 0"},
      {"-1", "must be > 0, got -1"},
      {"2.5", "must be a whole number, got 2.5"},
      {"1e308", "must be at most 1e6, got 1e308"},
      {"1e400", "out of range, got '1e400'"},
      {".nan", "must be finite, got '.nan'"},
      {".inf", "must be finite, got '.inf'"},
      {"four", "expected a number, got 'four'"},
      {"[4]", "expected a number"},
  };
  for (const auto& [value, message] : nodes) {
    INFO(value);
    const auto r = check(value, "true");
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err == at + message + "\n");
  }
  const std::string overlap_at = "scaleplan: r.yaml:7:57: run.layout.overlap_expert_parallel: ";
  const std::pair<const char*, std::string> overlaps[] = {
      {"maybe", "expected true or false, got 'maybe'"},
      {"1", "expected true or false, got '1'"},
      {"\"\"", "expected true or false, got ''"},
  };
  for (const auto& [value, message] : overlaps) {
    INFO(value);
    const auto r = check("4", value);
    CHECK(r.rc == 2);
    CHECK(r.err == overlap_at + message + "\n");
  }
  // A limit above the node count, or a run inside one node, is valid and binds nothing.
  const auto ok = check("1000000", "false");
  CHECK(ok.rc != 2);
  CHECK(ok.err.empty());
}

// The joint MoE law (Ludziejewski et al. 2025), constants App. B Table 3, checked against the
// paper's text (shared/REFERENCES.md "Joint MoE law").
TEST_CASE("moe law: the joint law at fixed E is Table 4's Chinchilla form", "[moe][law]") {
  const Law law = load_law("ludziejewski2025", "", {}, "law");
  const auto& joint = std::get<JointMoeLaw>(law.form);
  // Table 4 prints m, mu, n, nu at 4 decimals from the unrounded fit; the rounded Table 3
  // constants reproduce them within 0.3%.
  const ChinchillaLaw e1 = at_experts(joint, 1), e32 = at_experts(joint, 32);
  CHECK(e1.a == Approx(30.3640).epsilon(3e-3));
  CHECK(-e1.alpha == Approx(-0.1817).epsilon(3e-3));
  CHECK(e1.b == Approx(53.9838).epsilon(3e-3));
  CHECK(-e1.beta == Approx(-0.1965).epsilon(3e-3));
  CHECK(e32.a == Approx(16.5424).epsilon(3e-3));
  CHECK(-e32.alpha == Approx(-0.1557).epsilon(3e-3));
  CHECK(e32.b == Approx(234.6726).epsilon(3e-3));
  CHECK(-e32.beta == Approx(-0.2652).epsilon(3e-3));
  CHECK(e32.e == 1.3637);
  // Eq. 4: E = 1 maps to E_start.
  CHECK(transformed_experts(joint, 1) == Approx(2.0732));
  // As a form of N and D alone it is the dense member.
  CHECK(loss(law.form, 1e9, 2e10) == Approx(loss(e1, 1e9, 2e10)));
}

TEST_CASE("moe law: Table 1's compute-optimal runs at 1e20 FLOPs", "[moe][law]") {
  const Law law = load_law("ludziejewski2025", "", {}, "law");  // held: `joint` refers into it
  const auto& joint = std::get<JointMoeLaw>(law.form);
  // Table 1 (printed to 2-3 digits): E = 1 -> 1.7B on 9.7B tokens, E = 32 -> 669M on 24.9B
  // (the rounded constants give 674M and 24.7B).
  const Allocation dense = chinchilla_compute_optimal(at_experts(joint, 1), 1e20);
  CHECK(dense.params == Approx(1.7e9).epsilon(0.02));
  CHECK(dense.tokens == Approx(9.7e9).epsilon(0.02));
  const Allocation e32 = chinchilla_compute_optimal(at_experts(joint, 32), 1e20);
  CHECK(e32.params == Approx(669e6).epsilon(0.01));
  CHECK(e32.tokens == Approx(24.9e9).epsilon(0.01));
  CHECK(e32.loss < dense.loss);  // Finding 2: more experts, lower loss at the same compute
}

TEST_CASE("moe law: check warns where the law does not reach", "[moe][law][check][cli]") {
  // DeepSeek-V3 under the default dense law: it sees only the active parameters.
  auto r = run_scaleplan("check example:deepseek_v3_run --format json");
  REQUIRE(r.rc == 0);
  std::string message;
  const auto dense_law = nlohmann::json::parse(r.out);
  for (const auto& f : dense_law["findings"])
    if (f["name"] == "loss") {
      CHECK(f["status"] == "warn");
      message = f["message"].get<std::string>();
    }
  CHECK(message.find("law 'besiroglu2024' is dense-only: it sees the 36.8B active parameters") !=
        std::string::npos);
  // Under the joint law: 256 experts, top-8 and a shared expert are beyond its fit.
  r = run_scaleplan("check r.yaml --format json",
                    {{"r.yaml", "run:\n  shape: {n_layer: 8, d_model: 1024, n_head: 8}\n"
                                "  moe: {experts: 64, top_k: 2, expert_hidden: 4096}\n"
                                "  tokens: 2e10\n  gpu: H100\n  gpus: 8\n"
                                "model: {law: ludziejewski2025}\n"}});
  REQUIRE(r.rc == 0);
  const auto joint_law = nlohmann::json::parse(r.out);
  for (const auto& f : joint_law["findings"])
    if (f["name"] == "loss")
      CHECK(f["message"].get<std::string>().find(
                "law 'ludziejewski2025' extrapolates to 64 experts (fitted on E <= 32) and top-2 "
                "routing (fitted on top-1)") != std::string::npos);
}

// Acceptance 2: with model.architectures: [dense, moe], plan picks the MoE when the joint law
// says it is cheaper for the loss, and reports the dense alternative at the same budget.
TEST_CASE("moe plan: dense or MoE under the joint law, with the dense alternative",
          "[moe][plan][cli]") {
  const std::string head = "budget: {flops: 1.0e21}\nhardware: {gpu: H100, max_count: 64}\n";
  const std::string model = "model: {law: ludziejewski2025, vocab: 50257";
  const auto plan = [&](const std::string& extra) {
    const auto r = run_scaleplan("plan b.yaml --format json",
                                 {{"b.yaml", head + model + extra + "}\n"}});
    REQUIRE(r.rc == 0);
    return nlohmann::json::parse(r.out);
  };
  const auto both = plan(", architectures: [dense, moe]");
  const auto& shape = both["recommendation"]["shape"];
  REQUIRE(shape.contains("moe"));
  CHECK(shape["moe"]["experts"] == 32);  // Finding 2: more experts, lower loss, within E <= 32
  CHECK(shape["moe"]["top_k"] == 1);
  const auto& alternative = both["architecture_alternative"];
  CHECK(alternative["architecture"] == "dense");
  const double moe_loss = both["predicted"]["loss"].get<double>();
  CHECK(alternative["loss"].get<double>() > moe_loss + 0.05);
  // The dense alternative is what a dense-only plan of the same budget reaches.
  const auto dense = plan("");
  CHECK(!dense["recommendation"]["shape"].contains("moe"));
  CHECK(!dense.contains("architecture_alternative"));
  CHECK(dense["predicted"]["loss"].get<double>() ==
        Approx(alternative["loss"].get<double>()).epsilon(1e-3));
  // The plan's run file, checked, gives the same loss and cost (one evaluation).
  const auto written =
      run_scaleplan("plan b.yaml --run-file r.yaml >/dev/null && cat r.yaml",
                    {{"b.yaml", head + model + ", architectures: [dense, moe]}\n"}});
  REQUIRE(written.rc == 0);
  const auto check = run_scaleplan("check r.yaml --format json", {{"r.yaml", written.out}});
  REQUIRE(check.rc == 0);
  const auto checked = nlohmann::json::parse(check.out);
  for (const auto& f : checked["findings"])
    if (f["name"] == "loss") CHECK(f["value"].get<double>() == Approx(moe_loss).epsilon(1e-9));
  CHECK(checked["cost"]["usd"].get<double>() ==
        Approx(both["cost"]["usd"].get<double>()).epsilon(1e-6));
}

TEST_CASE("moe plan: every figure of the explanation is the chosen run's, and the dense "
          "alternative's loss is its own",
          "[moe][plan][explain][cli]") {
  // A reader took "the best dense run at this budget reaches loss 2.1645" for the plan's loss
  // beside "relaxing ... loss 2.0704 (-0.0066)": the baseline of each relaxation is the chosen
  // MoE run's loss (2.0770), and the dense figure is the alternative's. Pinned in both outputs.
  const std::map<std::string, std::string> files = {
      {"b.yaml", "budget: {flops: 1e22}\nhardware: {gpu: H100, count: 64}\n"
                 "model: {law: ludziejewski2025, architectures: [dense, moe]}\n"}};
  const auto json = run_scaleplan("plan b.yaml --format json", files);
  REQUIRE(json.rc == 0);
  const auto j = nlohmann::json::parse(json.out);
  REQUIRE(j["recommendation"]["shape"].contains("moe"));
  const double loss = j["predicted"]["loss"].get<double>();
  const double dense = j["architecture_alternative"]["loss"].get<double>();
  CHECK(dense > loss);
  REQUIRE(j["explain"]["marginals"].size() >= 1);
  for (const auto& m : j["explain"]["marginals"]) {
    INFO(m["constraint"]);
    REQUIRE(m["feasible"].get<bool>());
    CHECK(m["loss_gained"].get<double>() ==
          Approx(loss - m["loss"].get<double>()).margin(1e-12));
    CHECK(m["loss"].get<double>() <= loss);
  }
  // The table: predicted loss + printed difference = relaxed loss (each rounded to 4 places).
  const auto table = run_scaleplan("plan b.yaml", files);
  REQUIRE(table.rc == 0);
  std::smatch found;
  REQUIRE(std::regex_search(table.out, found, std::regex(R"(predicted loss (\d\.\d{4}))")));
  const double printed = std::stod(found[1]);
  CHECK(printed == Approx(loss).margin(5e-5));
  // The alternative's loss, and its difference from this run's, so that it reads as another run.
  const std::regex alternative(R"(reaches loss (\d\.\d{4}) \(([-+]\d\.\d{4}) against this run;)");
  REQUIRE(std::regex_search(table.out, found, alternative));
  CHECK(std::stod(found[1]) == Approx(dense).margin(5e-5));
  CHECK(std::stod(found[1]) == Approx(printed + std::stod(found[2])).margin(1.5e-4));
  const std::regex relaxing(R"(relaxing +[^\n]*?: loss (\d\.\d{4}) \(([-+]\d\.\d{4})\))");
  int relaxations = 0;
  for (auto it = std::sregex_iterator(table.out.begin(), table.out.end(), relaxing);
       it != std::sregex_iterator(); ++it, ++relaxations)
    CHECK(std::stod((*it)[1]) == Approx(printed + std::stod((*it)[2])).margin(1.5e-4));
  CHECK(relaxations == static_cast<int>(j["explain"]["marginals"].size()));
}

TEST_CASE("moe plan: moe under a dense-only law and bad architecture keys are input errors",
          "[moe][plan][bad-input]") {
  const std::string head = "budget: {flops: 1.0e21}\nhardware: {gpu: H100, max_count: 64}\n";
  const auto plan = [&](const std::string& model) {
    return run_scaleplan("plan b.yaml", {{"b.yaml", head + model}});
  };
  auto r = plan("model: {architectures: [dense, moe]}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: b.yaml:3:24: model.architectures: moe needs a law with an expert "
                 "term (model.law: ludziejewski2025); law 'besiroglu2024' is dense-only\n");
  r = plan("model: {law: ludziejewski2025, architectures: [moe, sparse]}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: b.yaml:3:53: model.architectures: unknown value 'sparse' (choose "
                 "dense or moe)\n");
  r = plan("model: {law: ludziejewski2025, architectures: [moe], experts: [8, 8]}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: b.yaml:3:67: model.experts: '8' is listed twice\n");
  r = plan("model: {law: ludziejewski2025, architectures: [moe], experts: [8], top_k: 9}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: b.yaml:3:75: model.top_k: top_k 9 exceeds the fewest experts 8\n");
  r = plan("model: {architectures: []}\n");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: b.yaml:3:24: model.architectures: expected a non-empty list such as "
                 "[dense, moe]\n");
}

// Issue 14 step 4 in the planner: an MoE candidate's serving cap on N comes from its own shape
// (memory holds the total weights), not from a dense model's. On a 24 GB L4 in bf16 a 32-expert
// model serves about 11B total parameters, 0.5B active: that cap binds, and the plan says so.
TEST_CASE("moe plan: the serving cap on N is the MoE's own, from its total weights",
          "[moe][plan][inference][cli]") {
  const std::string budget =
      "budget: {flops: 1.0e22}\nhardware: {gpu: H100-SXM, max_count: 64}\n"
      "model: {law: ludziejewski2025, vocab: 50257, architectures: [moe], experts: [32]}\n"
      "inference: {gpu: L4, precision: bf16, latency_ms_per_token: 1000, tensor_parallel: 1}\n";
  const auto r = run_scaleplan("-q plan b.yaml --format json", {{"b.yaml", budget}});
  REQUIRE(r.rc == 0);
  const auto plan = nlohmann::json::parse(r.out);
  const auto& binding = plan["binding"];
  CHECK(std::find(binding.begin(), binding.end(), "inference.gpu") != binding.end());
  const double total = plan["recommendation"]["shape"]["total_params"].get<double>();
  const double active = plan["recommendation"]["params"].get<double>();
  CHECK(total * 2 < 24e9);        // the total weights fit the serving GPU
  CHECK(total * 2 > 0.8 * 24e9);  // and fill most of it: the cap binds
  CHECK(active < total / 15);     // a dense cap would have allowed ~11B active
}

TEST_CASE("moe serving: memory from the total, weights read from the experts a batch touches",
          "[moe][inference]") {
  ServingInputs dense;
  dense.gpu = h800();
  ServingInputs moe = dense;
  moe.total_params_factor = 10;
  moe.routed_share = 0.9;
  moe.experts = 64;
  moe.top_k = 1;
  CHECK(serving_memory_bytes(moe, 1e9) - serving_memory_bytes(dense, 1e9) ==
        Approx(9e9 * 2));  // bf16 weights of the 9x more total parameters
  // Batch 1 touches one expert per layer: 10 (0.1 + 0.9/64) of the active weights.
  CHECK(weights_read_factor(moe, 1) == Approx(10 * (0.1 + 0.9 / 64)));
  CHECK(weights_read_factor(moe, 1e4) == Approx(10).epsilon(1e-6));  // every expert
  CHECK(weights_read_factor(dense, 1e4) == 1);
  CHECK(decode_step_seconds(moe, 1e9, 1) > decode_step_seconds(dense, 1e9, 1));
}
