// `check`'s waste multiple (issue 13): the run's cost over the cheapest run's that reaches its
// loss, on the training basis and, with an inference-aware objective, the lifetime basis.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "scaleplan/text.hpp"

using scaleplan::test::run_scaleplan;
using Json = nlohmann::json;

namespace {

/// Plans `budget`, then checks against it plan's own run and a run of `size` x its parameters on
/// 1 / size of its tokens (the same 6ND) on the same GPUs; returns both checks' JSON.
std::pair<Json, Json> plan_and_resize(const std::string& budget, double size) {
  const auto p = run_scaleplan("-q plan b.yaml --run-file own.yaml --format json",
                               {{"b.yaml", budget}});
  INFO(p.err);
  REQUIRE(p.rc == 0);
  const Json plan = Json::parse(p.out);
  const Json& rec = plan["recommendation"];
  const std::string resized =
      "run:\n  params: " + scaleplan::fmt("%.6e", size * rec["params"].get<double>()) +
      "\n  tokens: " + scaleplan::fmt("%.6e", rec["tokens"].get<double>() / size) +
      "\n  precision: " + rec["precision"].get<std::string>() +
      "\n  gpu: H100-SXM\n  gpus: " + std::to_string(rec["gpus"].get<int>()) +
      "\n  pricing: " + rec["pricing"].get<std::string>() + "\n";
  const auto c = run_scaleplan(
      "-q plan b.yaml --run-file own.yaml >/dev/null && '" SCALEPLAN_BINARY
      "' -q check own.yaml --budget b.yaml --format json > own.json; '" SCALEPLAN_BINARY
      "' -q check big.yaml --budget b.yaml --format json > big.json; cat own.json; echo; cat big.json",
      {{"b.yaml", budget}, {"big.yaml", resized}});
  INFO(c.err);
  const std::size_t split = c.out.find("\n{");
  REQUIRE(split != std::string::npos);
  return {Json::parse(c.out.substr(0, split)), Json::parse(c.out.substr(split + 1))};
}

}  // namespace

TEST_CASE("check: a run twice the optimal size costs a clear multiple of the optimum (training "
          "basis)",
          "[check][waste]") {
  const auto [own, big] =
      plan_and_resize("budget: {usd: 2.0e6}\nhardware: {gpu: H100-SXM, count: 1024}\n", 2);
  const Json& o = own["regret"];
  const Json& b = big["regret"];
  CHECK(o["cost_basis"] == "training");
  CHECK(o["cost_multiple"].get<double>() == Approx(1).epsilon(1e-3));
  CHECK(b["cost_basis"] == "training");
  INFO("loss regret " << b["value"] << ", cost multiple " << b["cost_multiple"]
                      << ", compute multiple " << b["compute_multiple"]);
  // A loss regret of 0.3% is a quarter more dollars (issue 13: a small regret can be a large
  // compute difference); the larger model also runs a slower layout, so dollars exceed FLOPs.
  CHECK(b["value"].get<double>() < 0.01);
  // 1.146 on 2026-12-02 (serving at the run's own aspect ratio, NCCL ring latencies), 1.26 before.
  CHECK(b["cost_multiple"].get<double>() > 1.1);
  CHECK(b["compute_multiple"].get<double>() > 1.1);
  CHECK(b["cost_multiple"].get<double>() ==
        Approx(b["run_basis_usd"].get<double>() / b["optimum_usd"].get<double>()).epsilon(1e-12));
}

TEST_CASE("check: with minimize_cost and lifetime queries the multiple counts serving (lifetime "
          "basis)",
          "[check][waste]") {
  const std::string budget =
      "objective: minimize_cost\ntarget_loss: 2.0\nbudget: {usd: 2.0e7}\n"
      "hardware: {gpu: H100-SXM, count: 1024}\n"
      "inference: {gpu: H100-SXM, precision: fp8, latency_ms_per_token: 50, "
      "lifetime_queries: 1.0e10}\n";
  const auto [own, big] = plan_and_resize(budget, 2);
  const Json& o = own["regret"];
  const Json& b = big["regret"];
  CHECK(o["cost_basis"] == "lifetime");
  CHECK(o["cost_multiple"].get<double>() == Approx(1).epsilon(1e-3));
  CHECK(b["cost_basis"] == "lifetime");
  INFO("cost multiple " << b["cost_multiple"] << ", compute multiple " << b["compute_multiple"]);
  // 1.146 on 2026-12-02 (serving at the run's own aspect ratio, NCCL ring latencies), 1.26 before.
  CHECK(b["cost_multiple"].get<double>() > 1.1);
  CHECK(b["run_basis_usd"].get<double>() > b["run_usd"].get<double>());  // serving counted
  // The dollar optimum may spend more FLOPs than the run (serving dollars follow memory traffic,
  // not FLOPs): compute_multiple is reported, not bounded below by 1.
  CHECK(b["compute_multiple"].get<double>() > 0);
}
