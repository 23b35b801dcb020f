// Acceptance of issue 10 ("The run as it is really trained"), items 3-5, through the planner API
// `scaleplan plan` uses (parse_budget, make_plan) and through the real binary for `check`.

#include <catch2/catch.hpp>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "cli_runner.hpp"
#include "scaleplan/input_error.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/planner/plan.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;

namespace {

/// `scaleplan plan` on a budget's text: the same calls cmd_plan.cpp makes.
Plan plan_yaml(const std::string& text) {
  Budget b = parse_budget(text, "budget.yaml");
  resolve_serving_gpu(table(), &b);
  return make_plan(b, *find_gpu(table(), b.gpu), load_law(b.law, "", {}, "law"));
}

std::string long_context_budget(int seq_len) {
  return "budget: {usd: 1.0e7, deadline_hours: 720}\n"
         "hardware: {gpu: H100-SXM, max_count: 8192}\n"
         "model: {seq_len: " +
         std::to_string(seq_len) + "}\n";
}

/// What every plan must satisfy (issue 10, item 4): a global batch of at least one micro-batch
/// per data-parallel rank, at least kMinOptimizerSteps steps, a real step time.
void check_batch_and_steps(const Plan& p) {
  const Layout& l = p.run.layout;
  CHECK(p.run.batch_sequences >= l.data_parallel);
  CHECK(p.run.batch_sequences % (static_cast<long long>(l.data_parallel) * l.micro_batch_size) ==
        0);
  CHECK(gpus_of(l) == p.run.gpus);
  CHECK(p.evaluation.recipe.schedule.total_steps >= kMinOptimizerSteps);
  CHECK(p.evaluation.step.seconds > kStepOverheadS);
  CHECK(p.evaluation.memory.total() <= p.evaluation.memory_limit * (1 + 1e-9));
}

}  // namespace

TEST_CASE("acceptance 3: $10M, 720 h, 8192 H100 at 32k context plans at least 10B parameters",
          "[acceptance]") {
  // Before issue 10 materialised attention scores capped this budget at a 0.41B model.
  const Plan p = plan_yaml(long_context_budget(32768));
  INFO("N " << p.run.params << " on " << p.run.gpus << " GPUs, TP" << p.run.layout.tensor_parallel
            << " CP" << p.run.layout.context_parallel << " PP" << p.run.layout.pipeline_parallel);
  CHECK(p.run.params >= 1e10);
  CHECK(p.run.seq_len == 32768);
  CHECK(p.evaluation.cost.usd <= 1e7 * (1 + 1e-6));
  CHECK(p.evaluation.deadline_wall_hours <= 720 * (1 + 1e-6));
  check_batch_and_steps(p);
}

TEST_CASE("acceptance 3: the same budget at 128k context is feasible", "[acceptance]") {
  // Before issue 10 it was infeasible. At 131,072 tokens a sequence must be split (TP x CP).
  const Plan p = plan_yaml(long_context_budget(131072));
  CHECK(p.run.params >= 1e9);
  CHECK(p.run.seq_len == 131072);
  CHECK(p.run.layout.tensor_parallel * p.run.layout.context_parallel > 1);
  CHECK(p.evaluation.deadline_wall_hours <= 720 * (1 + 1e-6));
  check_batch_and_steps(p);
}

TEST_CASE("acceptance 4: $1M on up to 1024 H100 without a deadline runs at most 90 days",
          "[acceptance]") {
  // Before issue 10 it planned 16 GPUs for 2.4 years.
  const Plan p = plan_yaml("budget: {usd: 1.0e6}\nhardware: {gpu: H100-SXM, max_count: 1024}\n");
  INFO(p.run.gpus << " GPUs, " << p.evaluation.cost.wall_hours << " h");
  CHECK(p.evaluation.cost.wall_hours <= kLongRunHours);
  CHECK(kLongRunHours == 90 * 24);
  check_batch_and_steps(p);
}

/// Plans each of `budgets_usd` on 1 to 100,000 H100 (fixed counts and maxima) with `deadline`
/// appended to the budget section; returns how many were feasible of how many tried.
static std::pair<int, int> sweep(std::initializer_list<const char*> budgets_usd,
                                 const std::string& deadline) {
  int planned = 0, tried = 0;
  for (const char* usd : budgets_usd)
    for (const char* gpus : {"max_count: 1", "max_count: 8", "count: 1000", "max_count: 1000",
                             "count: 100000", "max_count: 100000"}) {
      ++tried;
      const std::string budget = std::string("budget: {usd: ") + usd + deadline +
                                 "}\nhardware: {gpu: H100-SXM, " + gpus + "}\n";
      INFO(budget);
      try {
        check_batch_and_steps(plan_yaml(budget));
        ++planned;
      } catch (const InfeasibleError&) {
        // Allowed: a tiny budget cannot pay 1000 steps on 100,000 GPUs, nor a month's deadline.
      }
    }
  return {planned, tried};
}

TEST_CASE(
    "acceptance 4: every plan from $10 to $1e5 on 1-100,000 GPUs holds a batch per rank "
    "and 1000 steps",
    "[acceptance]") {
  for (const char* deadline : {"", ", deadline_hours: 720"}) {
    const auto [planned, tried] = sweep({"10", "1.0e3", "1.0e5"}, deadline);
    CHECK(planned >= tried / 2);
  }
}

TEST_CASE(
    "acceptance 4: every plan from $1e7 to $1e10 on 1-100,000 GPUs holds a batch per rank "
    "and 1000 steps",
    "[acceptance]") {
  const auto [planned, tried] = sweep({"1.0e7", "1.0e9", "1.0e10"}, "");
  CHECK(planned == tried);
}

TEST_CASE("acceptance 4: the same from $1e7 to $1e10 with a 720 h deadline", "[acceptance]") {
  const auto [planned, tried] = sweep({"1.0e7", "1.0e9", "1.0e10"}, ", deadline_hours: 720");
  CHECK(planned == tried);
}

TEST_CASE("acceptance 4: $10 on 100,000 H100 does not finish in under a second", "[acceptance]") {
  // Before issue 10 it "finished" in 0.12 s. Now the 1000-step minimum refuses a fixed count,
  // and with max_count the planner takes fewer GPUs.
  const test::CliResult fixed = test::run_scaleplan(
      "-q plan b.yaml --format json",
      {{"b.yaml", "budget: {usd: 10}\nhardware: {gpu: H100-SXM, count: 100000}\n"}});
  INFO(fixed.err);
  CHECK(fixed.rc == 3);
  CHECK(fixed.out.empty());
  CHECK(fixed.err.rfind("scaleplan: infeasible: no run meets the constraints: budget.usd", 0) == 0);
  const Plan flexible =
      plan_yaml("budget: {usd: 10}\nhardware: {gpu: H100-SXM, max_count: 100000}\n");
  CHECK(flexible.evaluation.cost.wall_hours * 3600 >= 1);
  check_batch_and_steps(flexible);
}

TEST_CASE("acceptance 5: Llama 3.1 405B on 16,384 H100 (TP8 PP16) fits in check, step within 1.5x",
          "[acceptance]") {
  // Dubey et al. 2024 Tables 3-4: 126 layers, d_model 16384, 128 heads, 8 KV heads, SwiGLU FFN
  // 53248, vocab 128256, 8K sequences, 16M-token batches, TP 8, PP 16, DP 128 on 16,384 H100,
  // 400 TFLOP/s per GPU in bf16. At the PaLM FLOPs (6N + 12 L d s per token) that is a 6.74 s
  // step (research/step_times_extra.csv, step_s_computed). Before issue 10 check said it did
  // not fit.
  const std::string run =
      "run:\n"
      "  shape: {n_layer: 126, d_model: 16384, n_head: 128, n_kv_heads: 8, ffn_hidden: 53248,\n"
      "          ffn_kind: swiglu, vocab: 128256}\n"
      "  tokens: 1.56e13\n"
      "  batch_tokens: 16777216\n"
      "  precision: bf16\n"
      "  gpu: H100-SXM\n"
      "  gpus: 16384\n"
      "  seq_len: 8192\n"
      "  layout: {tensor_parallel: 8, pipeline_parallel: 16}\n";
  const test::CliResult r =
      test::run_scaleplan("-q check run.yaml --format json", {{"run.yaml", run}});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  bool memory_found = false;
  for (const auto& f : j.at("findings"))
    if (f.at("name") == "memory") {
      memory_found = true;
      INFO(f.at("message").get<std::string>());
      CHECK(f.at("status") == "pass");
    }
  CHECK(memory_found);
  CHECK(j.at("memory").at("gib_per_gpu").get<double>() <=
        j.at("memory").at("usable_gib").get<double>());
  CHECK(j.at("layout").at("tensor_parallel") == 8);
  CHECK(j.at("layout").at("pipeline_parallel") == 16);
  CHECK(j.at("layout").at("data_parallel") == 128);
  const double seconds = j.at("step").at("seconds").get<double>();
  INFO("step " << seconds << " s against the published 6.74 s");
  constexpr double kPublishedStepS = 6.74;
  CHECK(seconds >= kPublishedStepS / 1.5);
  CHECK(seconds <= kPublishedStepS * 1.5);
}
