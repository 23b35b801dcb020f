// Issue 14, acceptance 3: the learning rate and batch come from the chosen hyperparameter law
// (model.hyperparameter_law). `check` of a run at a Step Law grid optimum raises no LR or batch
// warning under step-law; `plan` under step-law reports the law's eta and B.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "finding_support.hpp"
#include "scaleplan/model/recipe.hpp"

using scaleplan::test::finding;
using scaleplan::test::run_scaleplan;
using Json = nlohmann::json;

namespace {

/// The released grid's best run at N = 268,304,384, D = 80B (test/data/step_law_grid_optima.csv):
/// LR 3.906e-3, 512 sequences of 2048 tokens.
std::string grid_optimum_run(const std::string& law) {
  return "run:\n  params: 268304384\n  tokens: 8e10\n  batch_tokens: 1048576\n"
         "  learning_rate: 0.003906\n  gpu: H100\n  gpus: 8\n  seq_len: 2048\n"
         "model: {hyperparameter_law: " + law + "}\n";
}

}  // namespace

TEST_CASE("hyperparameter law: check passes Step Law's grid optimum at 268M, 80B under step-law",
          "[check][recipe]") {
  const auto r = run_scaleplan("-q check run.yaml --format json",
                               {{"run.yaml", grid_optimum_run("step-law")}});
  INFO(r.err);
  REQUIRE(r.out.size() > 0);
  const Json report = Json::parse(r.out);
  const Json lr = finding(report, "learning_rate"), batch = finding(report, "batch_size");
  INFO(lr["message"].get<std::string>() << "\n" << batch["message"].get<std::string>());
  CHECK(lr["status"] == "pass");
  CHECK(batch["status"] == "pass");
  CHECK(lr["threshold"].get<double>() ==
        Approx(scaleplan::step_law_learning_rate(268304384, 8e10)).epsilon(1e-9));
  CHECK(lr["message"].get<std::string>().find("Step Law (Li et al. 2025)") != std::string::npos);
  CHECK(batch["message"].get<std::string>().find("(Step Law, Li et al. 2025)") !=
        std::string::npos);
  // The same run under DeepSeek's compute law: its Eq. 1 asks for an LR 2.4x lower.
  const auto d = run_scaleplan("-q check run.yaml --format json",
                               {{"run.yaml", grid_optimum_run("deepseek2024")}});
  const Json deepseek = Json::parse(d.out);
  CHECK(finding(deepseek, "learning_rate")["status"] == "warn");
  CHECK(finding(deepseek, "learning_rate")["message"].get<std::string>().find(
            "DeepSeek LLM 2024 Eq. 1") != std::string::npos);
}

TEST_CASE("hyperparameter law: plan under step-law reports the law's eta and B", "[plan][recipe]") {
  const auto r = run_scaleplan(
      "-q plan budget.yaml --format json",
      {{"budget.yaml", "budget: {usd: 2e4}\nhardware: {gpu: H100, max_count: 64}\n"
                       "model: {seq_len: 2048, hyperparameter_law: step-law}\n"}});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const Json p = Json::parse(r.out);
  const Json& rec = p["recommendation"];
  CHECK(rec["hyperparameter_law"] == "step-law");
  const double n = rec["params"].get<double>(), d = rec["tokens"].get<double>();
  const double eta = scaleplan::step_law_learning_rate(n, d);
  const double b = scaleplan::step_law_batch_tokens(d);
  CHECK(p["predicted"]["optimal_learning_rate"].get<double>() == Approx(eta).epsilon(0.01));
  CHECK(p["predicted"]["optimal_batch_tokens"].get<double>() == Approx(b).epsilon(0.01));
  // The recipe sets the LR to two significant digits and the batch in whole steps of the
  // data-parallel ranks, at or below B (recipe.hpp).
  CHECK(rec["learning_rate"].get<double>() == Approx(eta).epsilon(0.05));
  CHECK(rec["batch_tokens"].get<double>() <= b);
  CHECK(rec["batch_tokens"].get<double>() >= 0.5 * b);
}
