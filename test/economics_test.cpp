// Training plus serving at the plan level: latency caps, the profit objective and the
// inference-aware cost objective (issue 4).

#include <catch2/catch.hpp>

#include <algorithm>

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/model/inference_aware.hpp"
#include "scaleplan/planner/plan.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;

namespace {

Plan plan_yaml(const std::string& text) {
  Budget b = parse_budget(text, "e.yaml");
  resolve_serving_gpu(table(), &b);
  return make_plan(b, *find_gpu(table(), b.gpu), load_law(b.law, "", {}, "law"));
}

std::string serving(double cap_ms, double queries, const std::string& precision = "bf16",
                    const std::string& more = "") {
  return "inference: {gpu: H100-SXM, precision: " + precision +
         ", latency_ms_per_token: " + std::to_string(cap_ms) +
         ", lifetime_queries: " + std::to_string(queries) + more + "}\n";
}

/// One GPU per replica at the bandwidth bound: where the latency cap binds the plan.
const std::string kOneGpuAtBound = ", tensor_parallel: 1, decode_efficiency: 1";

const std::string kFixedBudget =
    "budget: {usd: 2.0e6}\nhardware: {gpu: H100-SXM, count: 512}\n";

}  // namespace

TEST_CASE("economics: a 20 ms cap on H100 bf16 bounds the weights by bandwidth x cap",
          "[economics]") {
  const Plan p = plan_yaml(kFixedBudget + serving(20, 0, "bf16", kOneGpuAtBound));
  CHECK(2 * p.run.params <= 3.35e12 * 0.020);
  CHECK(p.binding == std::vector<std::string>{"budget.usd", "inference.latency_ms_per_token"});
  REQUIRE(p.evaluation.serving);
  CHECK(p.evaluation.serving->latency_ms_per_token <= 20 + 1e-9);
}

TEST_CASE("economics: tightening the latency cap never raises the recommended N",
          "[economics]") {
  double previous = INFINITY;
  for (double cap : {200.0, 60.0, 30.0, 20.0, 10.0, 5.0}) {
    // On one GPU at the bound the cap binds; with tensor-parallel replicas it does not at this
    // budget, and N moves along a flat optimum (losses 1.95471-1.95478) as the bracket does.
    const Plan p = plan_yaml(kFixedBudget + serving(cap, 0, "bf16", kOneGpuAtBound));
    CHECK(p.run.params <= previous * (1 + 1e-9));
    previous = p.run.params;
  }
}

TEST_CASE("economics: with no queries, maximize_profit says do not train", "[economics]") {
  // Issue 13, acceptance 1: every run loses its training cost, so the answer is no run (exit 3),
  // never the least negative one.
  const std::string roi = "roi: {value_per_correct_answer_usd: 0.002}\n";
  try {
    plan_yaml("objective: maximize_profit\nbudget: {usd: 5.0e7}\n"
              "hardware: {gpu: H100-SXM, count: 4096}\n" + serving(50, 0) + roi);
    FAIL("a plan with no queries");
  } catch (const InfeasibleError& e) {
    CHECK(std::string(e.what()) ==
          "training does not pay: with inference.lifetime_queries = 0 no query earns anything, so "
          "every run loses its training cost; do not train (roi, inference)");
  }
}

TEST_CASE("economics: profit is searched over the whole (N, D) region, not the budget frontier",
          "[economics]") {
  // Issue 13, acceptance 2: $100M on up to 16,384 H100 for 1e8 queries at $0.002. Spending the
  // budget loses money; the most profitable run is a small one that costs a sliver of it.
  const std::string roi = "roi: {value_per_correct_answer_usd: 0.002}\n";
  const Plan p = plan_yaml("objective: maximize_profit\nbudget: {usd: 1.0e8}\n"
                           "hardware: {gpu: H100-SXM, max_count: 16384}\n" +
                           serving(50, 1e8) + roi);
  REQUIRE(p.roi);
  CHECK(p.roi->profit_usd > 0);
  CHECK(p.evaluation.cost.usd < 1e-3 * 1.0e8);
  REQUIRE(p.roi->loss_min_profit_usd);
  CHECK(*p.roi->loss_min_profit_usd < 0);
  // Brute force along D at the chosen N and GPUs: no other D in [D/8, 8 D] within the limits
  // earns more (to the search's tolerance).
  const Budget b = parse_budget("objective: maximize_profit\nbudget: {usd: 1.0e8}\n"
                                "hardware: {gpu: H100-SXM, max_count: 16384}\n" +
                                    serving(50, 1e8) + roi,
                                "e.yaml");
  Budget resolved = b;
  resolve_serving_gpu(table(), &resolved);
  const Law law = load_law(resolved.law, "", {}, "law");
  RunContext context = context_of(resolved, law);
  context.serving = serving_inputs(resolved);
  TrainingRun r = p.run;
  for (double f = 0.125; f <= 8; f *= 1.25) {
    r.tokens = p.run.tokens * f;
    const Evaluation e = evaluate(r, context);
    if (!e.feasible()) continue;
    CHECK(profit_usd(resolved, e) <= p.roi->profit_usd * (1 + 1e-3));
  }
}

TEST_CASE("economics: more queries make more training pay", "[economics]") {
  const std::string roi = "roi: {value_per_correct_answer_usd: 0.002}\n";
  const std::string head = "objective: maximize_profit\n" + kFixedBudget;
  const Plan few = plan_yaml(head + serving(200, 1e9) + roi);
  const Plan many = plan_yaml(head + serving(200, 1e11) + roi);
  CHECK(many.evaluation.loss < few.evaluation.loss);
  CHECK(many.evaluation.cost.usd > few.evaluation.cost.usd);
  for (const Plan* p : {&few, &many}) {
    REQUIRE(p->roi->loss_min_params);
    CHECK(*p->roi->loss_min_params > p->run.params);  // serving pulls N below the loss optimum
    CHECK(p->roi->profit_usd > 0);
    CHECK(p->roi->profit_usd >= *p->roi->loss_min_profit_usd);
    CHECK(p->evaluation.cost.usd < 2.0e6);  // the budget is a ceiling, not an amount to spend
  }
}

TEST_CASE("economics: a value that never pays for serving is infeasible", "[economics]") {
  const std::string roi = "roi: {value_table: [[2.4, 0.0], [1.5, 1.0e-9]]}\n";
  CHECK_THROWS_AS(
      plan_yaml("objective: maximize_profit\n" + kFixedBudget + serving(200, 1e9) + roi),
      InfeasibleError);
}

TEST_CASE("economics: minimize_cost reaches the target for the least lifetime dollars",
          "[economics]") {
  // 6N FLOPs and a fixed MFU make dollars proportional to 6ND, as in Sardana & Frankle.
  const std::string base = "objective: minimize_cost\ntarget_loss: 2.1\n"
                           "budget: {usd: 1.0e8}\nhardware: {gpu: H100-SXM, count: 256, mfu: 0.4}\n"
                           "model: {flops_per_token: 6N, law: hoffmann2022}\n";
  const Plan none = plan_yaml(base + serving(200, 0));
  const Plan heavy = plan_yaml(base + serving(200, 1e11));
  CHECK(none.evaluation.loss == Approx(2.1).epsilon(1e-6));
  CHECK(heavy.evaluation.loss == Approx(2.1).epsilon(1e-6));
  CHECK(heavy.run.params < none.run.params);  // Sardana & Frankle: serve a smaller model trained longer
  CHECK(heavy.run.tokens > none.run.tokens);
  // Without serving, the cheapest run to a loss is the compute-optimal one for that loss.
  const Law law = load_law("hoffmann2022", "", {}, "law");
  const auto opt = lifetime_optimum(std::get<ChinchillaLaw>(law.form), 2.1,
                                    [](double n, double d) { return (6 * n + 0.0) * d; });
  // Sardana & Frankle's continuous optimum, to the shape granularity (d_model steps of 1024 near
  // 7B), and no more expensive than it.
  CHECK(none.run.params == Approx(opt->params).epsilon(0.05));
  CHECK(6 * none.run.params * none.run.tokens <= opt->total * (1 + 1e-3));
  // Without an inference: section the lifetime cost is the training cost alone.
  const Plan train_only = plan_yaml(base);
  CHECK(train_only.run.params == Approx(none.run.params).epsilon(1e-9));
  CHECK(train_only.evaluation.cost.usd == Approx(none.evaluation.cost.usd).epsilon(1e-3));
  REQUIRE(train_only.roi);
  CHECK(train_only.roi->inference_usd == 0);
  CHECK_THROWS_AS(plan_yaml("objective: minimize_cost\ntarget_loss: 1.70\n"
                            "budget: {usd: 1.0e4}\nhardware: {gpu: H100-SXM, count: 8}\n"),
                  InfeasibleError);
}

TEST_CASE("economics: zero interruptions and zero queries are valid inputs", "[economics]") {
  const Plan p = plan_yaml(
      "budget: {usd: 1e6}\nhardware: {gpu: H100, count: 64, pricing: spot, "
      "spot_interruptions_per_hour: 0}\n" + serving(50, 0));
  REQUIRE(p.evaluation.spot);
  CHECK(p.evaluation.spot->lost_work_fraction == 0);
  CHECK(p.evaluation.serving->lifetime_usd == 0);
}

TEST_CASE("economics: a serving-heavy profit plan reports the PTQ loss, growing with D/N",
          "[economics][ptq]") {
  // Issue 12, acceptance 5: the served model's loss is the trained loss plus delta_PTQ (Kumar
  // et al. 2024, Eq. 2), and more queries over-train a smaller model whose PTQ costs more.
  const std::string roi = "roi: {value_per_correct_answer_usd: 0.002}\n";
  const Plan few =
      plan_yaml("objective: maximize_profit\n" + kFixedBudget + serving(200, 1e9, "int4") + roi);
  const Plan many =
      plan_yaml("objective: maximize_profit\n" + kFixedBudget + serving(200, 1e11, "int4") + roi);
  for (const Plan* p : {&few, &many}) {
    CHECK(p->evaluation.ptq_loss > 0);
    CHECK(p->evaluation.served_loss == p->evaluation.loss + p->evaluation.ptq_loss);
    CHECK(p->evaluation.ptq_loss == ptq_loss_increase(ServingPrecision::kInt4, p->run.params,
                                                      p->run.tokens));
  }
  CHECK(many.run.tokens / many.run.params > few.run.tokens / few.run.params);
  CHECK(many.evaluation.ptq_loss > few.evaluation.ptq_loss);
  // The profit is valued at the served loss.
  const Plan bf16 =
      plan_yaml("objective: maximize_profit\n" + kFixedBudget + serving(200, 1e9) + roi);
  CHECK(bf16.evaluation.ptq_loss == 0);
  CHECK(bf16.evaluation.served_loss == bf16.evaluation.loss);
}

TEST_CASE("economics: evaluate serves a run with its own n_kv_heads (GQA)", "[economics][gqa]") {
  // Issue 13, acceptance 4: the run's grouped-query attention shrinks the KV cache it serves with.
  const std::string text = kFixedBudget + serving(200, 1e9);
  Budget b = parse_budget(text, "e.yaml");
  resolve_serving_gpu(table(), &b);
  const Law law = load_law(b.law, "", {}, "law");
  const Plan p = make_plan(b, *find_gpu(table(), b.gpu), law);
  RunContext context = context_of(b, law);
  context.serving = serving_inputs(b);
  TrainingRun run = p.run;
  REQUIRE(run.shape.n_kv_heads == run.shape.n_head);
  REQUIRE(run.shape.n_head % 8 == 0);
  const auto memory = [&](const Evaluation& e) {
    for (const ConstraintValue& c : e.constraints)
      if (c.name == "inference.gpu") return c.value;
    return -1.0;
  };
  const Evaluation mha = evaluate(run, context);
  run.shape.n_kv_heads = run.shape.n_head / 8;
  const Evaluation gqa = evaluate(run, context);
  const double weights = run.params * weight_bytes_per_param(context.serving->precision);
  // inference.gpu holds the memory per GPU of the replica: times its degree, the replica's.
  const auto replica = [&](const Evaluation& e) { return memory(e) * e.serving->tensor_parallel; };
  CHECK(replica(mha) - weights == Approx(8 * (replica(gqa) - weights)).epsilon(1e-9));
  REQUIRE(mha.serving->feasible);
  REQUIRE(gqa.serving->feasible);
  CHECK(gqa.serving->batch > mha.serving->batch);
  CHECK(gqa.serving->usd_per_query < mha.serving->usd_per_query);
}

TEST_CASE("economics: an inference section no longer caps N at one H100 (tensor parallelism)",
          "[economics][tp]") {
  // Issue 13, acceptance 4: $5M on 1,024 H100 buys a loss-optimal model far above the ~35B of
  // bf16 weights one H100 holds; served on TP replicas the plan keeps it.
  const std::string budget = "budget: {usd: 5.0e6}\nhardware: {gpu: H100-SXM, count: 1024}\n";
  const std::string serving = "inference: {gpu: H100-SXM, latency_ms_per_token: 50";
  const Plan free = plan_yaml(budget);
  const Plan served = plan_yaml(budget + serving + "}\n");
  const Plan one_gpu = plan_yaml(budget + serving + ", tensor_parallel: 1}\n");
  REQUIRE(served.evaluation.serving);
  // bf16 weights in one H100's usable memory (39B)
  const double one_h100_params = usable_memory_bytes(*find_gpu(table(), "H100-SXM")) / 2;
  CHECK(served.run.params > 2 * one_h100_params);
  CHECK(served.run.params == Approx(free.run.params).epsilon(0.02));  // serving does not bind
  CHECK(served.evaluation.serving->tensor_parallel > 1);
  CHECK(served.evaluation.serving->latency_ms_per_token <= 50);
  // Forced onto one GPU per replica the serving GPU's memory caps N, and binds.
  CHECK(one_gpu.run.params < one_h100_params);
  CHECK(one_gpu.evaluation.serving->tensor_parallel == 1);
  CHECK(std::find(one_gpu.binding.begin(), one_gpu.binding.end(), "inference.gpu") !=
        one_gpu.binding.end());
}

TEST_CASE("economics: a 400B model with an inference section on H100: TP8 serves, TP1 is "
          "infeasible naming inference.gpu",
          "[economics][tp]") {
  const std::string budget =
      "budget: {usd: 1.0e8}\nhardware: {gpu: H100-SXM, count: 8192}\nmodel: {params: 4.0e11}\n"
      "inference: {gpu: H100-SXM, precision: fp8, latency_ms_per_token: 50";
  const Plan p = plan_yaml(budget + "}\n");
  REQUIRE(p.evaluation.serving);
  CHECK(p.evaluation.serving->tensor_parallel == 8);
  CHECK(p.run.params == Approx(4e11).epsilon(kFixedParamsTolerance));
  try {
    plan_yaml(budget + ", tensor_parallel: 1}\n");
    FAIL("a 400B model on one H100 per replica was planned");
  } catch (const InfeasibleError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("inference.gpu") != std::string::npos);
  }
}

TEST_CASE("economics: decode_efficiency scales the serving cost of the planned run",
          "[economics][efficiency]") {
  // With a loose cap memory sets the batch of a one-GPU replica (a ~10B model), so the step and
  // the lifetime serving dollars (no prompt: no prefill) scale by 1 / e.
  const std::string head = "budget: {usd: 2.0e5}\nhardware: {gpu: H100-SXM, count: 64}\n"
                           "inference: {gpu: H100-SXM, precision: fp8, latency_ms_per_token: "
                           "1000, prompt_tokens: 0, lifetime_queries: 1e9";
  const Plan bound = plan_yaml(head + ", decode_efficiency: 1}\n");
  const Plan real = plan_yaml(head + ", decode_efficiency: 0.5}\n");
  REQUIRE(bound.run.params == real.run.params);  // serving does not bind: the same run
  REQUIRE(bound.evaluation.serving->tensor_parallel == 1);
  REQUIRE(real.evaluation.serving->tensor_parallel == 1);
  CHECK(real.evaluation.serving->batch == bound.evaluation.serving->batch);
  CHECK(real.evaluation.serving->latency_ms_per_token ==
        Approx(2 * bound.evaluation.serving->latency_ms_per_token).epsilon(1e-9));
  CHECK(real.evaluation.serving->lifetime_usd ==
        Approx(2 * bound.evaluation.serving->lifetime_usd).epsilon(1e-9));
}
