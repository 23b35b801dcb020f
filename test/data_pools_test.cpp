// Data pools of different quality (model/data_pools.*, Goyal et al. 2024): the piecewise law of
// repeated pools, the planner's filter, the fallback to Muennighoff's single pool, and the
// property that one more pool never makes the best loss worse.

#include "scaleplan/model/data_pools.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/report.hpp"
#include "scaleplan/planner/plan.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;
using scaleplan::test::budget_yaml;
using scaleplan::test::plan_for;

namespace {

constexpr double kB = 410.7;  // Hoffmann et al. 2022 App. D.2, the law's data coefficient

}  // namespace

TEST_CASE("data pools: fresh tokens give B D^b; one epoch more adds 0.5^(1/tau) of ln 2",
          "[data][pools]") {
  CHECK(repeated_log_tokens(4e10, 1e11, 3) == Approx(std::log(4e10)).epsilon(1e-15));
  // Two epochs of 1e10: ln 1e10 + 0.5^(1/2) ln 2.
  CHECK(repeated_log_tokens(2e10, 1e10, 2) ==
        Approx(std::log(1e10) + std::sqrt(0.5) * std::log(2.0)).epsilon(1e-14));
  // Many epochs converge: the exponent decays away, so the sum stops growing.
  const double a = repeated_log_tokens(1e13, 1e10, 2), b = repeated_log_tokens(1e14, 1e10, 2);
  CHECK(b - a < 1e-6);
  CHECK(b >= a);
  // One pool with b = -beta and enough unique tokens is the Chinchilla data term.
  const std::vector<DataPool> one = {{"web", 1e13, -0.28, 5}};
  CHECK(best_pool_mix(kB, one, 3e12).data_term == Approx(kB / std::pow(3e12, 0.28)).epsilon(1e-12));
}

TEST_CASE("data pools: a two-pool mix derived by hand (filter at low compute, mix at high)",
          "[data][pools]") {
  // Pool A: 1e10 unique tokens, b = -0.30, tau = 1 epoch; pool B: 1e12, b = -0.29, tau = 4.
  // The data term is B exp(sum_i (U_i / U) b_i S_i(D)) over the kept pools, U their union.
  //
  // D = 1e10 (fresh everywhere, S = ln 1e10 = 23.025851):
  //   {A}:    -0.30 x 23.025851                         = -6.907755 -> 410.7 e^.. = 0.41070
  //   {B}:    -0.29 x 23.025851                         = -6.677497 -> 0.51704
  //   {A, B}: (1/101)(-0.30) + (100/101)(-0.29) = -0.290099; x 23.025851 = -6.679777 -> 0.51586
  //   best: A alone (filter hard: the better pool is not yet repeated).
  // D = 4e10 (A alone repeats 4 times; the union of 1.01e12 is fresh):
  //   {A}:    S = ln 1e10 + 0.5 ln 2 + 0.25 ln 1.5 + 0.125 ln(4/3)
  //             = 23.025851 + 0.346574 + 0.101366 + 0.035960 = 23.509751; x -0.30 = -7.052925
  //             -> 0.35520
  //   {B}:    -0.29 x ln 4e10 = -0.29 x 24.412145 = -7.079522 -> 0.34588
  //   {A, B}: -0.290099 x 24.412145 = -7.081939 -> 0.34505
  //   best: both, drawing 4e10 / 101 = 3.96e8 tokens from A and 3.96e10 from B.
  const std::vector<DataPool> pools = {{"A", 1e10, -0.30, 1}, {"B", 1e12, -0.29, 4}};
  const PoolMix low = best_pool_mix(kB, pools, 1e10);
  CHECK(low.kept == std::vector<bool>{true, false});
  CHECK(low.data_term == Approx(0.41070).epsilon(1e-4));
  CHECK(low.tokens[0] == 1e10);
  CHECK(low.tokens[1] == 0);
  const PoolMix high = best_pool_mix(kB, pools, 4e10);
  CHECK(high.kept == std::vector<bool>{true, true});
  CHECK(high.data_term == Approx(0.34505).epsilon(1e-4));
  CHECK(high.exponent == Approx(-0.290099).epsilon(1e-5));
  CHECK(high.tokens[0] == Approx(4e10 / 101).epsilon(1e-12));
  CHECK(high.tokens[1] == Approx(4e10 * 100 / 101).epsilon(1e-12));
  CHECK(high.epochs == Approx(4e10 / 1.01e12).epsilon(1e-12));
  CHECK(pool_mix(kB, pools, {true, false}, 4e10).data_term == Approx(0.35520).epsilon(1e-4));
  CHECK(pool_mix(kB, pools, {false, true}, 4e10).data_term == Approx(0.34588).epsilon(1e-4));
}

TEST_CASE("data pools: adding a pool never makes the best data term or the best plan worse",
          "[data][pools][property]") {
  std::mt19937 rng(12);
  std::uniform_real_distribution<double> u(0, 1);
  const auto random_pool = [&](int i) {
    return DataPool{"p" + std::to_string(i), std::pow(10.0, 9 + 4 * u(rng)), -0.25 - 0.1 * u(rng),
                    0.5 + 20 * u(rng)};
  };
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<DataPool> pools = {random_pool(0)};
    const double tokens = std::pow(10.0, 9 + 5 * u(rng));
    for (int i = 1; i < static_cast<int>(kMaxDataPools); ++i) {
      const double before = best_pool_mix(kB, pools, tokens).data_term;
      pools.push_back(random_pool(i));
      CHECK(best_pool_mix(kB, pools, tokens).data_term <= before);
    }
  }
  // The same through the planner: one budget, one pool more each time.
  for (double usd : {1e5, 1e7}) {
    std::string sources = "";
    double previous = INFINITY;
    for (const char* pool : {"{name: a, unique_tokens: 2e10, quality: -0.29, half_life_epochs: 2}",
                             "{name: b, unique_tokens: 5e11, quality: -0.275, half_life_epochs: 5}",
                             "{name: c, unique_tokens: 5e12, quality: -0.26, half_life_epochs: 8}"}) {
      sources += std::string(sources.empty() ? "" : ", ") + pool;
      const Plan p = plan_for(budget_yaml("budget: {usd: " + std::to_string(usd) +
                                          "}\nhardware: {gpu: H100, max_count: 1024}\n"
                                          "data: {sources: [" + sources + "]}\n"));
      INFO("usd " << usd << " sources " << sources);
      CHECK(p.evaluation.loss <= previous * (1 + 1e-5));  // the search's precision
      previous = p.evaluation.loss;
    }
  }
}

TEST_CASE("data pools: the plan reports the mix it draws, and the table names the pools",
          "[data][pools][plan]") {
  const Plan p = plan_for(budget_yaml(
      "budget: {usd: 1e6}\nhardware: {gpu: H100, count: 256}\ndata:\n  sources:\n"
      "    - {name: curated, unique_tokens: 1e10, quality: -0.30, half_life_epochs: 1}\n"
      "    - {name: web, unique_tokens: 1e12, quality: -0.29, half_life_epochs: 4}\n"));
  REQUIRE(p.evaluation.pools.has_value());
  const PoolMix& m = *p.evaluation.pools;
  const std::vector<DataPool>& pools = p.sources;
  // The reported mix is the best for the run's tokens, and the loss is E + A/N^alpha + T.
  const PoolMix best = best_pool_mix(kB, pools, p.evaluation.data_efficiency * p.run.tokens);
  CHECK(m.kept == best.kept);
  CHECK(m.data_term == best.data_term);
  CHECK(p.evaluation.loss ==
        Approx(1.69 + 406.4 / std::pow(p.run.params, 0.34) + m.data_term).epsilon(1e-12));
  double drawn = 0;
  for (double t : m.tokens) drawn += t;
  CHECK(drawn == Approx(p.evaluation.data_efficiency * p.run.tokens).epsilon(1e-12));
  const Tree j = plan_to_json(p);
  REQUIRE(j["data_mix"]["sources"].size() == 2);
  CHECK(j["data_mix"]["sources"][0]["name"] == "curated");
  CHECK(j["data_mix"]["sources"][1]["kept"].get<bool>() == m.kept[1]);
  std::ostringstream table;
  print_plan_table(p, table, 100);
  CHECK(table.str().find("data mix") != std::string::npos);
}

TEST_CASE("data pools: pools with only unique tokens are Muennighoff's single pool",
          "[data][pools]") {
  const Budget two = budget_yaml(
      "budget: {usd: 1e7}\nhardware: {gpu: H100, max_count: 4096}\n"
      "data: {sources: [{name: a, unique_tokens: 1.5e11}, {name: b, unique_tokens: 5e10}]}\n");
  CHECK(two.sources.empty());
  REQUIRE(two.unique_tokens.has_value());
  CHECK(*two.unique_tokens == 2e11);
  const Budget one = budget_yaml(
      "budget: {usd: 1e7}\nhardware: {gpu: H100, max_count: 4096}\ndata: {unique_tokens: 2e11}\n");
  CHECK(plan_for(two).evaluation.loss == plan_for(one).evaluation.loss);
  // One pool with the law's own exponent and ample tokens plans what the law alone plans.
  const Plan law = plan_for(budget_yaml("budget: {usd: 1e6}\nhardware: {gpu: H100, count: 256}\n"));
  const Plan pooled = plan_for(budget_yaml(
      "budget: {usd: 1e6}\nhardware: {gpu: H100, count: 256}\n"
      "data: {sources: [{name: web, unique_tokens: 1e14, quality: -0.28, half_life_epochs: 4}]}\n"));
  CHECK(pooled.evaluation.loss == Approx(law.evaluation.loss).epsilon(1e-9));
  CHECK(pooled.run.params == law.run.params);
}

TEST_CASE("data pools: a law without a Chinchilla data term, or minimize_cost, is refused",
          "[data][pools]") {
  const std::string pools =
      "data:\n  sources:\n    - {name: web, unique_tokens: 1e12, quality: -0.3, half_life_epochs: 4}\n";
  const Budget b = budget_yaml("budget: {usd: 1e6}\nhardware: {gpu: H100, count: 64}\n" + pools);
  try {
    plan_for(b, "kaplan2020");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("data.sources: pools with a quality need a law of the form") !=
          std::string::npos);
  }
  const Budget cost = budget_yaml(
      "budget: {usd: 1e6}\nhardware: {gpu: H100, count: 64}\nobjective: minimize_cost\n"
      "target_loss: 2.2\n" + pools);
  CHECK_THROWS_AS(plan_for(cost), InputError);
}

TEST_CASE("data pools: once repetition makes the loss flat in D, the plan takes the fewest tokens "
          "that reach its loss, not the whole budget",
          "[data][pools][plan]") {
  // Finding D4: $1e10 on one H100, N capped by memory. The data term saturates as the pools
  // repeat, and the planner used to run to the domain's 1e16 tokens ($575M, 22,000 years) for a
  // loss 2e-6 lower; now D is the smallest whose loss ties the best (a millionth, as `better`).
  const std::string head = "budget: {usd: 1e10}\nhardware: {gpu: H100, count: 1}\n";
  const std::string pools =
      "    - {name: curated, unique_tokens: 5e10, quality: -0.29, half_life_epochs: 3}\n"
      "    - {name: web, unique_tokens: 2e12, quality: -0.27, half_life_epochs: 6}\n";
  const Plan p = plan_for(budget_yaml(head + "data:\n  sources:\n" + pools));
  const double loss = p.evaluation.loss, tie = 1e-6 * loss;
  CHECK(p.run.tokens < 1e15);
  CHECK(p.evaluation.cost.usd < 1e-2 * 1e10);
  // More D (here forced to the old plan's 1e16) buys no loss beyond the tie ...
  const Plan longer =
      plan_for(budget_yaml(head + "data:\n  tokens: {min: 1.0e16}\n  sources:\n" + pools));
  CHECK(longer.run.params == p.run.params);
  CHECK(longer.evaluation.loss >= loss - tie * (1 + 1e-9));
  CHECK(longer.evaluation.cost.usd > 10 * p.evaluation.cost.usd);
  // ... and 10% less D loses more than it.
  const Plan shorter = plan_for(budget_yaml(head + "data:\n  tokens: {max: " +
                                            std::to_string(0.9 * p.run.tokens) + "}\n  sources:\n" +
                                            pools));
  CHECK(shorter.evaluation.loss > loss + tie);
  // One pool, and a $10 budget, keep working (the tie-break leaves an unrepeated run alone).
  const Plan one = plan_for(budget_yaml(
      head + "data:\n  sources:\n    - {name: web, unique_tokens: 1e12, quality: -0.28, "
             "half_life_epochs: 4}\n"));
  CHECK(one.run.tokens < 1e15);
  CHECK(std::isfinite(one.evaluation.loss));
  const Plan small = plan_for(budget_yaml("budget: {usd: 10}\nhardware: {gpu: H100, count: 1}\n"
                                          "data:\n  sources:\n" + pools));
  CHECK(small.evaluation.cost.usd == Approx(10).epsilon(1e-3));  // the loss still falls: all spent
}
