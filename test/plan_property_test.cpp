// Property test of `plan` over the range users live in (issue 11, acceptance 4): for 1,000
// seeded random valid budgets ($10 to $1e10, 1 to 100,000 GPUs, every GPU with a price,
// on-demand, spot and cheapest, deadlines, unique tokens), the planner either answers or says
// infeasible (exit 0 or 3), its result passes the guard `plan` prints through (no null, NaN or
// inf), the cost stays within the budget and the wall-clock (expected and spot p90) within the
// deadline.

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <random>
#include <sstream>

#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/report.hpp"
#include "scaleplan/planner/plan.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;

namespace {

/// Relative slack on the limits: the search meets a binding constraint to about 1e-9.
constexpr double kSlack = 1e-6;

double log_uniform(std::mt19937& rng, double lo, double hi) {
  return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
}

/// A valid budget in dollars: every field within what a user could write.
Budget random_budget(std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  Budget b;
  b.kind = BudgetKind::kUsd;
  b.amount = log_uniform(rng, 10, 1e10);
  std::uniform_int_distribution<std::size_t> pick(0, table().gpus.size() - 1);
  const Gpu& gpu = table().gpus[pick(rng)];
  b.gpu = gpu.name;
  const int n = static_cast<int>(std::lround(log_uniform(rng, 1, 1e5)));
  if (u(rng) < 0.5)
    b.count = n;
  else
    b.max_count = n;
  const double pricing = u(rng);
  b.pricing = pricing < 0.4   ? Pricing::kOnDemand
              : pricing < 0.7 ? Pricing::kSpot
                              : Pricing::kCheapest;
  // A GPU without a table price gets one in the budget, as a user would have to give.
  if (!gpu.price_on_demand_usd_per_gpu_hour || u(rng) < 0.2)
    b.price_on_demand_usd_per_gpu_hour = log_uniform(rng, 0.2, 20);
  if (!gpu.price_spot_usd_per_gpu_hour || u(rng) < 0.2)
    b.price_spot_usd_per_gpu_hour = log_uniform(rng, 0.1, 10);
  if (u(rng) < 0.5) b.spot.interruptions_per_instance_hour = log_uniform(rng, 1e-4, 1);
  if (u(rng) < 0.3) b.spot.gpus_per_instance = u(rng) < 0.5 ? 1 : 4;
  b.precisions.clear();
  for (Precision p : {Precision::kBf16, Precision::kFp8, Precision::kFp32})
    if (gpu.tflops.count(p) && (b.precisions.empty() || u(rng) < 0.5)) b.precisions.push_back(p);
  if (u(rng) < 0.6) b.deadline_hours = log_uniform(rng, 0.01, 1e4);
  if (u(rng) < 0.3) b.unique_tokens = log_uniform(rng, 1e8, 1e14);
  if (b.unique_tokens && u(rng) < 0.5) b.max_epochs = log_uniform(rng, 1, 100);
  if (u(rng) < 0.3) b.flops_per_token = FlopsConvention::k6N;
  if (u(rng) < 0.2) b.seq_len = u(rng) < 0.5 ? 2048 : 8192;
  return b;
}

std::string describe(const Budget& b) {
  std::ostringstream s;
  s << "$" << b.amount << " on " << b.gpu << (b.count ? " count " : " max_count ")
    << (b.count ? *b.count : *b.max_count) << " " << to_string(b.pricing) << " deadline "
    << (b.deadline_hours ? *b.deadline_hours : -1) << " unique_tokens "
    << (b.unique_tokens ? *b.unique_tokens : -1) << " max_epochs "
    << (b.max_epochs ? *b.max_epochs : -1) << " interruptions/h "
    << b.spot.interruptions_per_instance_hour << " per instance " << b.spot.gpus_per_instance
    << " precisions " << b.precisions.size() << " seq_len " << b.seq_len;
  return s.str();
}

/// Plans each of the 1,000 budgets; calls `check(budget, plan)` for those that are feasible.
void for_each_plan(const std::function<void(const Budget&, const Plan&)>& check, int* answered,
                   int* infeasible) {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  std::mt19937 rng(20261201);
  for (int i = 0; i < 1000; ++i) {
    const Budget b = random_budget(rng);
    INFO("budget " << i << ": " << describe(b));
    try {
      const Plan plan = make_plan(b, *find_gpu(table(), b.gpu), law);
      ++*answered;
      check(b, plan);
    } catch (const InfeasibleError&) {
      ++*infeasible;
    }
  }
}

}  // namespace

TEST_CASE(
    "plan property: 1,000 random valid budgets answer within budget and deadline, or are "
    "infeasible",
    "[plan][property]") {
  int answered = 0, infeasible = 0;
  for_each_plan(
      [](const Budget& b, const Plan& plan) {
        const Tree tree = plan_to_json(plan);
        CHECK_NOTHROW(require_finite(tree));  // what `plan` prints through, in every format
        CHECK(tree.dump().find("null") == std::string::npos);
        CHECK(plan.evaluation.cost.usd <= b.amount * (1 + kSlack));
        if (b.deadline_hours) {
          if (plan.run.pricing == Pricing::kSpot)
            CHECK(plan.evaluation.spot->wall_hours_p90 <= *b.deadline_hours * (1 + kSlack));
          else
            CHECK(plan.evaluation.cost.wall_hours <= *b.deadline_hours * (1 + kSlack));
        }
        if (b.max_epochs)
          CHECK(plan.run.tokens <= *b.max_epochs * *b.unique_tokens * (1 + kSlack));
        CHECK(plan.run.gpus >= 1);
        CHECK(plan.run.gpus <= (b.count ? *b.count : *b.max_count));
      },
      &answered, &infeasible);
  CHECK(answered >= 500);
  CHECK(infeasible >= 10);
}

// On spot the deadline holds the larger of the p90 and the expected wall-clock: the p90 of a
// Poisson count with a mean below ~0.1 is 0 interruptions, while the expected wall-clock adds
// the checkpoint writes (Young/Daly), so holding the p90 alone overshot by up to 53% at
// deadlines of minutes (found by this test, issue 11).
TEST_CASE("plan property: the expected wall-clock of a spot plan stays within the deadline",
          "[plan][property]") {
  int answered = 0, infeasible = 0;
  for_each_plan(
      [](const Budget& b, const Plan& plan) {
        if (b.deadline_hours && plan.run.pricing == Pricing::kSpot)
          CHECK(plan.evaluation.cost.wall_hours <= *b.deadline_hours * (1 + kSlack));
      },
      &answered, &infeasible);
}
