// Issue 13, acceptance 5: the GPU type as a lever. A budget lists several types; each is
// planned alone and the best under the objective wins; `compare` shows them side by side.

#include "scaleplan/planner/gpu_choice.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/model/law.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;
using scaleplan::test::run_scaleplan;
using Json = nlohmann::json;

namespace {

std::vector<const Gpu*> gpus(std::initializer_list<const char*> names) {
  std::vector<const Gpu*> out;
  for (const char* n : names) out.push_back(find_gpu(table(), n));
  return out;
}

Budget usd_budget(double usd, std::optional<double> deadline_hours, int max_gpus) {
  Budget b;
  b.kind = BudgetKind::kUsd;
  b.amount = usd;
  b.deadline_hours = deadline_hours;
  b.max_count = max_gpus;
  b.precisions = {Precision::kBf16, Precision::kFp8};
  b.law = "hoffmann2022";
  return b;
}

}  // namespace

TEST_CASE("gpu choice: the list's plan is the best of the types planned one by one",
          "[gpu_choice]") {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  const auto list = gpus({"H100-SXM", "A100-80GB", "B200", "MI300X"});
  for (const double usd : {1e4, 2e6, 1e8}) {
    INFO("usd " << usd);
    const Budget b = usd_budget(usd, 720, 2048);
    // Brute force: each type alone, exactly as `plan` with that one GPU would.
    double best_loss = INFINITY;
    std::string best_gpu;
    for (const Gpu* g : list) {
      const Plan p = make_plan(budget_for_gpu(b, *g), *g, law);
      if (p.evaluation.loss < best_loss) best_loss = p.evaluation.loss, best_gpu = g->name;
    }
    const Plan chosen = make_plan_over_gpus(b, list, law);
    CHECK(chosen.run.gpu.name == best_gpu);
    CHECK(chosen.evaluation.loss == best_loss);
    REQUIRE(chosen.gpu_options.size() == list.size());
    int marked = 0;
    for (const GpuAlternative& a : chosen.gpu_options) {
      CHECK(a.has_run);
      CHECK(a.loss >= best_loss);
      marked += a.chosen;
      if (a.chosen) CHECK(a.gpu == best_gpu);
    }
    CHECK(marked == 1);
  }
}

TEST_CASE("gpu choice: minimize_cost picks the cheapest type that reaches the target",
          "[gpu_choice]") {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  Budget b = usd_budget(1e8, std::nullopt, 4096);
  b.objective = Objective::kMinimizeCost;
  b.target_loss = 2.1;
  const auto list = gpus({"H100-SXM", "A100-80GB", "B200"});
  const Plan chosen = make_plan_over_gpus(b, list, law);
  for (const GpuAlternative& a : chosen.gpu_options) {
    REQUIRE(a.has_run);
    CHECK(a.usd >= chosen.evaluation.cost.usd * (1 - 1e-9));
  }
}

TEST_CASE("gpu choice: one type without the needed price is left out with a warning; all "
          "without is an input error; none with a run is infeasible naming each",
          "[gpu_choice]") {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  const Budget b = usd_budget(1e6, 720, 512);
  // Gaudi3 and A800 have no price in the table.
  const Plan p = make_plan_over_gpus(b, gpus({"Gaudi3", "H100-SXM"}), law);
  CHECK(p.run.gpu.name == "H100-SXM");
  REQUIRE(p.gpu_options.size() == 2);
  CHECK_FALSE(p.gpu_options[0].has_run);
  CHECK(p.gpu_options[0].unavailable ==
        "hardware.price_usd_per_gpu_hour: the GPU table has no on_demand price for 'Gaudi3'; "
        "give one");
  REQUIRE(p.warnings.size() >= 1);
  CHECK(p.warnings.back() ==
        "hardware.gpu: Gaudi3 left out: hardware.price_usd_per_gpu_hour: the GPU table has no "
        "on_demand price for 'Gaudi3'; give one");
  CHECK_THROWS_AS(make_plan_over_gpus(b, gpus({"Gaudi3", "A800"}), law), InputError);
  // One cent buys no run on any GPU: the message names each type and its reason.
  const Budget tiny = usd_budget(0.01, 0.01, 1);
  try {
    make_plan_over_gpus(tiny, gpus({"H100-SXM", "B200"}), law);
    FAIL("expected InfeasibleError");
  } catch (const InfeasibleError& e) {
    const std::string what = e.what();
    CHECK(what.rfind("no GPU type of hardware.gpu has a run (H100-SXM: ", 0) == 0);
    CHECK(what.find("; B200: ") != std::string::npos);
  }
}

TEST_CASE("gpu choice: hardware.gpu as a list in a budget file, and its errors",
          "[gpu_choice][budget]") {
  const Budget b = parse_budget(
      "budget: {usd: 1e6}\nhardware:\n  gpu: [H100, B200]\n  max_count: 64\n", "b.yaml");
  CHECK(b.gpu == "H100");
  CHECK(b.gpu_choices == std::vector<std::string>{"H100", "B200"});
  const auto error = [](const std::string& text) {
    try {
      parse_budget(text, "b.yaml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("budget: {usd: 1e6}\nhardware: {gpu: [], count: 8}\n") ==
        "b.yaml:2:17: hardware.gpu: expected a name or a non-empty list of names");
  CHECK(error("budget: {usd: 1e6}\nhardware: {gpu: [H100, h100], count: 8}\n") ==
        "b.yaml:2:24: hardware.gpu: 'h100' is listed twice");
  CHECK(error("budget: {usd: 1e6}\nhardware: {gpu: [H100, [B200]], count: 8}\n") ==
        "b.yaml:2:24: hardware.gpu: expected a list of names");
  CHECK(error("budget: {usd: 1e6}\nhardware: {gpu: \"\", count: 8}\n") ==
        "b.yaml:2:17: hardware.gpu: expected a name or a non-empty list of names");
  CHECK(error("budget: {usd: 1e6}\nhardware: {gpu: {a: 1}, count: 8}\n") ==
        "b.yaml:2:17: hardware.gpu: expected a name or a non-empty list of names");
  CHECK(error("budget: {usd: 1e6}\nhardware: {gpu: [H100, B200], count: 8, "
              "price_usd_per_gpu_hour: 2}\n") ==
        "b.yaml:2:65: hardware.price_usd_per_gpu_hour: belongs to one GPU type, and "
        "hardware.gpu lists 2: name one GPU, or give each its own in a GPU table (scaleplan "
        "--gpus FILE)");
}

TEST_CASE("gpu choice: the CLI resolves each listed name; plan, compare and check agree",
          "[gpu_choice][cli]") {
  const std::map<std::string, std::string> files = {
      {"alias.yaml", "budget: {usd: 1e6}\nhardware: {gpu: [H100, H100-SXM5], count: 8}\n"},
      {"unknown.yaml", "budget: {usd: 1e6}\nhardware: {gpu: [H100, H1000], count: 8}\n"}};
  const auto alias = run_scaleplan("plan alias.yaml", files);
  CHECK(alias.rc == 2);
  CHECK(alias.err ==
        "scaleplan: alias.yaml:2:24: hardware.gpu: 'H100-SXM5' names H100-SXM, which the list "
        "already has\n");
  const auto unknown = run_scaleplan("plan unknown.yaml", files);
  CHECK(unknown.rc == 2);
  CHECK(unknown.err.rfind("scaleplan: unknown.yaml:2:24: hardware.gpu: unknown GPU 'H1000'", 0) ==
        0);

  // Acceptance 5: one row per type with loss, model, tokens, GPUs, cost and wall-clock, and
  // plan with the list picks the best of them.
  const auto compare = run_scaleplan("-q compare example:gpu_choice_2m --format json", {});
  REQUIRE(compare.rc == 0);
  const Json c = Json::parse(compare.out);
  REQUIRE(c["gpus"].size() == 4);
  double best_loss = INFINITY;
  std::string best;
  for (const Json& row : c["gpus"]) {
    INFO(row.dump());
    REQUIRE(row["has_run"] == true);
    for (const char* k : {"loss", "params", "tokens", "gpus", "usd", "wall_hours"})
      CHECK(row[k].is_number());
    CHECK(row["usd"].get<double>() <= 2e6 * (1 + 1e-9));
    CHECK(row["wall_hours"].get<double>() <= 720 * (1 + 1e-9));
    if (row["loss"].get<double>() < best_loss) {
      best_loss = row["loss"].get<double>();
      best = row["gpu"].get<std::string>();
    }
  }
  CHECK(c["best"] == best);
  const auto plan = run_scaleplan("-q plan example:gpu_choice_2m --format json", {});
  REQUIRE(plan.rc == 0);
  const Json p = Json::parse(plan.out);
  CHECK(p["recommendation"]["gpu"] == best);
  CHECK(p["predicted"]["loss"].get<double>() == best_loss);
  CHECK(p["gpu_options"].size() == 4);

  // --gpu replaces the list (each at its table price); --all takes the whole table.
  const auto two = run_scaleplan("-q compare example:h100_2m_usd --gpu B200 --gpu h100 "
                                 "--format csv", {});
  REQUIRE(two.rc == 0);
  CHECK(two.out.rfind("gpu,has_run,loss,params,tokens,gpus,precision,pricing,usd,gpu_hours,"
                      "wall_hours,mfu,profit_usd,chosen,unavailable\nB200,true,", 0) == 0);
  CHECK(two.out.find("\nH100-SXM,true,") != std::string::npos);
  const auto all = run_scaleplan("-q compare example:h100_2m_usd --all --format json", {});
  REQUIRE(all.rc == 0);
  CHECK(Json::parse(all.out)["gpus"].size() == table().gpus.size());
  const auto both = run_scaleplan("compare example:h100_2m_usd --all --gpu B200", {});
  CHECK(both.rc == 2);
  CHECK(both.err == "scaleplan: --all: give --all or --gpu, not both\n");
  const auto none = run_scaleplan("compare b.yaml --gpu H100 --gpu B200",
                                  {{"b.yaml", "budget: {usd: 0.01, deadline_hours: 0.01}\n"
                                              "hardware: {gpu: H100, count: 1}\n"}});
  CHECK(none.rc == 3);
  CHECK(none.err.rfind("scaleplan: infeasible: no GPU type compared has a run (H100-SXM: no run "
                       "meets the constraints: budget.usd", 0) == 0);
}

TEST_CASE(
    "gpu choice: a FLOP budget buys one run on every type; the tie goes to the fewest "
    "dollars, a priced type before an unpriced one",
    "[gpu_choice]") {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  Budget b = usd_budget(1, std::nullopt, 1024);
  b.kind = BudgetKind::kFlops;
  // A100-40GB (first, no price) and A800 (no price) tie on loss with the priced types.
  const auto list = gpus({"A100-40GB", "H100-SXM", "A800", "MI300X", "B200"});
  for (const double flops : {1e21, 1e23, 5.76e23}) {
    INFO("flops " << flops);
    b.amount = flops;
    double cheapest = INFINITY;
    std::string cheapest_gpu;
    for (const Gpu* g : list) {
      const Plan p = make_plan(budget_for_gpu(b, *g), *g, law);
      if (std::isfinite(p.evaluation.cost.usd) && p.evaluation.cost.usd < cheapest)
        cheapest = p.evaluation.cost.usd, cheapest_gpu = g->name;
    }
    REQUIRE(std::isfinite(cheapest));
    const Plan chosen = make_plan_over_gpus(b, list, law);
    CHECK(chosen.run.gpu.name == cheapest_gpu);
    for (const GpuAlternative& a : chosen.gpu_options)
      CHECK(a.loss == Approx(chosen.evaluation.loss).epsilon(1e-6));
  }
}

TEST_CASE(
    "gpu choice: a GPU-hours budget over several types warns that it does not weigh "
    "prices",
    "[gpu_choice]") {
  const Law law = load_law("hoffmann2022", "", {}, "law");
  Budget b = usd_budget(2e5, 336, 512);
  b.kind = BudgetKind::kGpuHours;
  const std::string caveat =
      "budget.gpu_hours: each GPU type gets the same GPU-hours, whatever an hour of it costs, so "
      "the type that computes most per hour wins; budget.usd weighs the types at their prices";
  const Plan p = make_plan_over_gpus(b, gpus({"H100-SXM", "B200"}), law);
  CHECK(std::count(p.warnings.begin(), p.warnings.end(), caveat) == 1);
  const Plan one = make_plan_over_gpus(b, gpus({"B200"}), law);
  CHECK(std::count(one.warnings.begin(), one.warnings.end(), caveat) == 0);
  Budget cost = b;  // minimize_cost counts dollars: the prices weigh in
  cost.objective = Objective::kMinimizeCost;
  cost.target_loss = 2.1;
  const Plan cheapest = make_plan_over_gpus(cost, gpus({"H100-SXM", "B200"}), law);
  CHECK(std::count(cheapest.warnings.begin(), cheapest.warnings.end(), caveat) == 0);
  b.kind = BudgetKind::kUsd;
  b.amount = 1e6;
  const Plan usd = make_plan_over_gpus(b, gpus({"H100-SXM", "B200"}), law);
  CHECK(std::count(usd.warnings.begin(), usd.warnings.end(), caveat) == 0);

  const std::map<std::string, std::string> files = {
      {"gh.yaml",
       "budget: {gpu_hours: 2e5, deadline_hours: 336}\n"
       "hardware: {gpu: [H100-SXM, B200], count: 512}\n"}};
  const auto compare = run_scaleplan("compare gh.yaml --format csv", files);
  CHECK(compare.rc == 0);
  CHECK(compare.err.find("scaleplan: warning: " + caveat + "\n") != std::string::npos);
}

TEST_CASE(
    "gpu choice: compare, like plan, exits 2 when no listed type has the price the "
    "budget needs",
    "[gpu_choice][cli]") {
  const std::map<std::string, std::string> files = {
      {"b.yaml", "budget: {usd: 1e6}\nhardware: {gpu: [Gaudi3, A800], count: 8}\n"}};
  const std::string error =
      "scaleplan: b.yaml:2:11: hardware.price_usd_per_gpu_hour: the GPU table has no on_demand "
      "price for 'Gaudi3'; give one\n";
  const auto plan = run_scaleplan("plan b.yaml", files);
  CHECK(plan.rc == 2);
  CHECK(plan.err == error);
  const auto compare = run_scaleplan("compare b.yaml", files);
  CHECK(compare.rc == 2);
  CHECK(compare.err == error);
  const auto flag = run_scaleplan("compare b.yaml --gpu Gaudi3 --gpu A800", files);
  CHECK(flag.rc == 2);
  CHECK(flag.err == error);
}

TEST_CASE("gpu choice: frontier over a list names each point's GPU in every format",
          "[gpu_choice][frontier][cli]") {
  const std::string cmd = "-q frontier example:gpu_choice_2m --usd 1e4:1e6 --points 2";
  const auto json = run_scaleplan(cmd + " --format json", {});
  REQUIRE(json.rc == 0);
  const Json rows = Json::parse(json.out);
  REQUIRE(rows.size() == 2);
  const auto csv = run_scaleplan(cmd + " --format csv", {});
  REQUIRE(csv.rc == 0);
  CHECK(csv.out.rfind("usd,gpu,params,tokens,loss,loss_low,loss_high,precision,gpus,wall_hours,"
                      "binding\n10000," +
                          rows[0]["gpu"].get<std::string>() + ",",
                      0) == 0);
  CHECK(csv.out.find("\n1000000," + rows[1]["gpu"].get<std::string>() + ",") != std::string::npos);
  const auto table = run_scaleplan(cmd, {});
  REQUIRE(table.rc == 0);
  CHECK(table.out.rfind("usd         gpu        params    tokens    loss     precision  gpus   "
                        "wall_hours\n10k         " +
                            rows[0]["gpu"].get<std::string>(),
                        0) == 0);
  // One GPU: no gpu column (the golden outputs of docs/frontier.md).
  const auto one = run_scaleplan(
      "-q frontier example:h100_2m_usd --usd 1e4:1e6 --points 2 "
      "--format csv",
      {});
  CHECK(one.out.rfind("usd,params,", 0) == 0);
}

TEST_CASE("gpu choice: compare logs the best run's warnings as plan gives them, with its type",
          "[gpu_choice][cli]") {
  const auto plan = run_scaleplan("-q plan example:gpu_choice_2m --format json", {});
  REQUIRE(plan.rc == 0);
  const Json p = Json::parse(plan.out);
  const std::string best = p["recommendation"]["gpu"];
  std::string expected;
  for (const Json& w : p["warnings"])
    expected += "scaleplan: warning: " + best + ": " + w.get<std::string>() + "\n";
  REQUIRE_FALSE(expected.empty());  // the law is used past its fitted range here
  const auto compare = run_scaleplan("compare example:gpu_choice_2m --format csv", {});
  REQUIRE(compare.rc == 0);
  CHECK(compare.err == expected);
}
