#include "scaleplan/planner/frontier.hpp"

#include <catch2/catch.hpp>

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"

using namespace scaleplan;

namespace {

const char* kBudget = R"(
budget: {usd: 1.0e6, deadline_hours: 720}
hardware: {gpu: H100-SXM, max_count: 2048}
model: {precisions: [bf16, fp8]}
data: {unique_tokens: 1.5e13}
)";

}  // namespace

TEST_CASE("frontier: loss never rises as the budget rises, and rows equal plan", "[frontier]") {
  const Budget base = parse_budget(kBudget, "b.yaml");
  const GpuTable table = load_gpu_table("");
  const Gpu& gpu = *find_gpu(table, base.gpu);
  const Law law = load_law("hoffmann2022", "", {}, "law");
  const auto rows = frontier(base, BudgetKind::kUsd, 1e4, 1e8, 25, {&gpu}, law);
  REQUIRE(rows.size() == 25);
  CHECK(rows.front().amount == 1e4);  // exactly: the ends print as the user wrote them
  CHECK(rows.back().amount == 1e8);
  CHECK(rows[6].amount == Approx(1e5).epsilon(1e-14));  // log-spaced: 4 decades in 24 steps
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].plan);
    CHECK(rows[i].plan->evaluation.loss <= rows[i - 1].plan->evaluation.loss * (1 + 1e-12));
  }
  for (std::size_t i : {0u, 7u, 13u, 24u}) {
    Budget b = base;
    b.amount = rows[i].amount;
    const Plan p = make_plan(b, gpu, law);
    CHECK(p.evaluation.loss == rows[i].plan->evaluation.loss);
    CHECK(p.run.params == rows[i].plan->run.params);
    CHECK(p.run.gpus == rows[i].plan->run.gpus);
  }
}

TEST_CASE("frontier: GPU-hour and FLOP ranges work the same way", "[frontier]") {
  const Budget base = parse_budget(kBudget, "b.yaml");
  const GpuTable table = load_gpu_table("");
  const Law law = load_law("hoffmann2022", "", {}, "law");
  const auto rows =
      frontier(base, BudgetKind::kFlops, 1e20, 1e24, 5, {find_gpu(table, "H100-SXM")}, law);
  for (std::size_t i = 1; i < rows.size(); ++i)
    CHECK(rows[i].plan->evaluation.loss < rows[i - 1].plan->evaluation.loss);
  CHECK(rows[0].plan->binding == std::vector<std::string>{"budget.flops"});
}

TEST_CASE("isoflop: the curve's minimum is the compute-optimal N (Hoffmann Fig. 3)",
          "[frontier]") {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  const auto curve = isoflop(law.form, 1e21, 41, 30);
  REQUIRE(curve.size() == 41);
  const auto best = std::min_element(curve.begin(), curve.end(),
                                     [](const auto& a, const auto& b) { return a.loss < b.loss; });
  CHECK(best - curve.begin() == 20);  // the middle point is N_opt
  CHECK(best->params == Approx(compute_optimal(law.form, 1e21).params));
  for (const IsoflopPoint& p : curve) CHECK(6 * p.params * p.tokens == Approx(1e21));
}
