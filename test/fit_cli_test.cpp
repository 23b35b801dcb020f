// `scaleplan fit` end to end on the kinds of files real sweeps produce (checkpoints, many loss
// columns, metadata, spreadsheets), its diagnostics, and what it refuses to write.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

using scaleplan::test::run_scaleplan;
using Json = nlohmann::json;

namespace {

/// Deterministic "noise" in [-1, 1].
double wiggle(int i) { return std::sin(12.9898 * i); }

/// Epoch AI's replication law (besiroglu2024).
double chinchilla(double n, double d) {
  return 1.8172 + 482.01 / std::pow(n, 0.3478) + 2085.43 / std::pow(d, 0.3658);
}

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

/// Two runs' checkpoints: 242 and 243 rows (485 in all).
std::string two_run_checkpoints() {
  std::string csv = "run,step,params,tokens,loss\n";
  int i = 0;
  const struct {
    const char* id;
    double n, d_max;
    int steps;
  } runs[] = {{"small", 1.2e8, 2.4e10, 242}, {"large", 4.1e8, 8.2e10, 243}};
  for (const auto& r : runs)
    for (int s = 1; s <= r.steps; ++s) {
      const double d = r.d_max * s / r.steps;
      csv += std::string(r.id) + "," + std::to_string(s) + "," + num(r.n) + "," + num(d) + "," +
             num(chinchilla(r.n, d) * (1 + 0.003 * wiggle(i++))) + "\n";
    }
  return csv;
}

bool has(const Json& list, const std::string& text) {
  for (const auto& item : list)
    if (item.get<std::string>() == text) return true;
  return false;
}

}  // namespace

TEST_CASE("fit: a 2-run, 485-row checkpoint file fits, warns, and counts held-out runs",
          "[cli][fit]") {
  // Issue 15, acceptance 1.
  const auto r = run_scaleplan("fit runs.csv --holdout 'tokens>=2e10' --bootstrap 50 --format json",
                               {{"runs.csv", two_run_checkpoints()}});
  REQUIRE(r.rc == 0);
  const Json j = Json::parse(r.out);
  CHECK(j["runs"] == 2);
  CHECK(j["rows"].get<int>() + j["holdout"]["rows"].get<int>() == 485);
  CHECK(j["holdout"]["runs"] == 2);  // runs, not rows
  CHECK(j["holdout"]["rows"] == 225);
  CHECK(j["holdout"]["mape_percent"].get<double>() < 1);
  CHECK(has(j["warnings"],
            "only 2 runs: the exponents are weakly identified by so few runs, and the bootstrap "
            "over runs cannot give trustworthy intervals"));
  CHECK(has(j["warnings"],
            "only 2 model sizes (1.2e+08 and 4.1e+08): A and alpha are fixed by two points, a "
            "flat ridge; the N exponent is weakly identified"));
}

TEST_CASE("fit: a Gadre-style file with 8 loss columns and metadata fits one of them",
          "[cli][fit]") {
  // Issue 15, acceptance 2: the testbed's shape (mlfoundations/scaling): model and data set
  // names, hyperparameters, the token multiplier and eight evaluations per model.
  std::string csv =
      "name,dataset,params,tokens,multiplier,lr,warmup,loss_c4,loss_rpj,loss_rw,loss_paloma_c4,"
      "loss_ptb,loss_code,loss_de_en,loss_openlm\n";
  int i = 0, held = 0;
  for (double n : {1.1e7, 5.7e7, 1.5e8, 4.1e8, 1.4e9, 6.9e9})
    for (double m : {5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0}) {
      const double d = m * n, c = 6 * n * d;
      // Table 6's C4 law, Gadre et al. Eq. 4.
      const double c4 =
          1.51 + (141 * std::pow(m, 0.121) + 190 * std::pow(m, -0.121)) * std::pow(c, -0.121);
      csv += "\"d=" + num(n) + ", M=" + num(m) + "\",c4_original," + num(n) + "," + num(d) + "," +
             num(m) + ",3e-3,5000";
      for (double shift : {0.0, 0.1, 0.2, 0.05, 0.6, -0.9, 0.4, -0.1})
        csv += "," + num((c4 + shift) * (1 + 0.001 * wiggle(i++)));
      csv += "\n";
      if (n >= 1e9 && m <= 40) ++held;
    }
  const auto r = run_scaleplan(
      "fit gadre.csv --form gadre2024 --loss-column loss_c4 --holdout 'params>=1e9' "
      "--holdout 'tokens_per_param<=40' --bootstrap 20 --format json",
      {{"gadre.csv", csv}});
  REQUIRE(r.rc == 0);
  const Json j = Json::parse(r.out);
  CHECK(j["form"] == "gadre2024");
  CHECK(j["holdout"]["rows"] == held);  // N >= 1e9 AND M <= 40: 2 sizes x 4 multipliers
  CHECK(held == 8);
  CHECK(j["rows"] == 48 - 8);
  CHECK(j["params"]["eta"].get<double>() == Approx(0.121).margin(0.01));
  CHECK(j["holdout"]["mape_percent"].get<double>() < 1);
  CHECK(j["provenance"]["options"]["loss_column"] == "loss_c4");
}

TEST_CASE("fit: a degenerate sweep (E -> 0) and a two-size sweep each warn in JSON", "[cli][fit]") {
  // Issue 15, acceptance 3. Pure power laws with no floor, as OPT's curves look to the fit.
  std::string degenerate = "params,tokens,loss\n";
  int i = 0;
  for (double n : {1.25e8, 3.5e8, 1.3e9, 2.7e9, 6.7e9, 1.3e10})
    for (double d : {3e9, 1e10, 3e10, 1e11, 3e11})
      degenerate +=
          num(n) + "," + num(d) + "," +
          num((50 / std::pow(n, 0.12) + 300 / std::pow(d, 0.15)) * (1 + 0.002 * wiggle(i++))) +
          "\n";
  auto r = run_scaleplan("fit runs.csv --bootstrap 20 --format json", {{"runs.csv", degenerate}});
  REQUIRE(r.rc == 0);
  Json j = Json::parse(r.out);
  const double e = j["params"]["E"];
  CHECK(e < 0.05);  // 0.0355 in an optimised build
  char e_text[32];
  std::snprintf(e_text, sizeof e_text, "%.3g", e);
  CHECK(has(j["warnings"],
            "E = " + std::string(e_text) +
                " is near 0 (the smallest loss is 8.748): the runs show no loss floor, the "
                "irreducible loss is not identified, and predictions beyond the data fall without "
                "limit"));

  std::string two_sizes = "params,tokens,loss\n";
  for (double n : {1e8, 1e9})
    for (double d : {1e9, 3e9, 1e10, 3e10, 1e11, 3e11})
      two_sizes +=
          num(n) + "," + num(d) + "," + num(chinchilla(n, d) * (1 + 0.002 * wiggle(i++))) + "\n";
  r = run_scaleplan("fit runs.csv --bootstrap 20 --format json", {{"runs.csv", two_sizes}});
  REQUIRE(r.rc == 0);
  j = Json::parse(r.out);
  CHECK(has(j["warnings"],
            "only 2 model sizes (1e+08 and 1e+09): A and alpha are fixed by two points, a flat "
            "ridge; the N exponent is weakly identified"));
}

TEST_CASE("fit: refuses to write a law plan would reject (alpha at 0)", "[cli][fit]") {
  // Loss that does not depend on N (2 + 300 / D^0.3 to 6 decimals): alpha = 0 (A then adds to E)
  // and A -> 0 fit equally well, and which the best start reaches depends on the build's
  // rounding (an optimised build: alpha = 0). Either way no law file plan would reject is
  // written; test/fit_test.cpp checks the refusal itself on a law with alpha = 0.
  std::string csv = "params,tokens,loss\n";
  for (const char* n : {"1e+08", "3e+08", "1e+09", "3e+09"})
    csv += std::string(n) + ",1e+09,2.598579\n" + n + ",1e+10,2.300000\n" + n + ",1e+11,2.150356\n";
  const auto fit =
      run_scaleplan("fit runs.csv --bootstrap 0 --format json -q", {{"runs.csv", csv}});
  REQUIRE(fit.rc == 0);
  const bool at_zero = Json::parse(fit.out)["params"]["alpha"].get<double>() == 0;
  const auto r = run_scaleplan("fit runs.csv -o law.yaml --bootstrap 0 -q; echo rc=$?; ls",
                               {{"runs.csv", csv}});
  if (at_zero) {
    CHECK(r.err ==
          "scaleplan: law.yaml: not written: params.alpha: must be > 0, got 0 (the law reader, "
          "and so plan, would reject this law; see the warnings)\n");
    CHECK(r.out.find("rc=2") != std::string::npos);
    CHECK(r.out.find("law.yaml") == std::string::npos);
  } else {
    CHECK(r.out.find("rc=0") != std::string::npos);
    CHECK(r.out.find("law.yaml") != std::string::npos);
  }
}

TEST_CASE("fit: weights of 1e308 or 1e12 on every row change nothing", "[cli][fit]") {
  std::string plain = "params,tokens,loss\n", heavy = "params,tokens,loss,weight\n", huge = heavy;
  int i = 0;
  for (double n : {1e8, 3e8, 1e9, 3e9})
    for (double d : {2e9, 1e10, 5e10}) {
      const std::string row =
          num(n) + "," + num(d) + "," + num(chinchilla(n, d) * (1 + 0.003 * wiggle(i++)));
      plain += row + "\n";
      heavy += row + ",1e12\n";
      huge += row + ",1e308\n";
    }
  const auto fit = [](const std::string& csv) {
    const auto r = run_scaleplan("fit runs.csv --bootstrap 0 --format json", {{"runs.csv", csv}});
    REQUIRE(r.rc == 0);
    return Json::parse(r.out);
  };
  const Json a = fit(plain), b = fit(heavy), c = fit(huge);
  CHECK(b["params"] == a["params"]);
  CHECK(c["params"] == a["params"]);
  CHECK(c["objective"] == a["objective"]);
}

TEST_CASE("fit: filters with NaN, and options that do not fit the form, are refused",
          "[cli][fit]") {
  const std::map<std::string, std::string> files = {{"runs.csv", two_run_checkpoints()}};
  auto r = run_scaleplan("fit runs.csv --exclude 'loss>=nan'", files);
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: --exclude: 'loss>=nan': expected a finite number after >=\n");
  r = run_scaleplan("fit runs.csv --form muennighoff2023", files);
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: runs.csv:1: unique_tokens: missing column: --form muennighoff2023 "
        "needs each run's unique tokens\n");
  r = run_scaleplan("fit runs.csv --form kaplan --joint run", files);
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --joint: needs --form chinchilla, equal-exponent or gadre2024 (shared "
        "exponents)\n");
  r = run_scaleplan("fit runs.csv --joint dataset", files);
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: --joint: unknown column 'dataset'\n");
  r = run_scaleplan("fit runs.csv --exclude 'step>=0'", files);
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: runs.csv: rows: no rows left to fit (the filters dropped them all)\n");
}

TEST_CASE("fit: a spreadsheet's CSV (BOM, CRLF, quotes) fits exactly like the plain file",
          "[cli][fit]") {
  std::string plain = "run,params,tokens,loss\n",
              excel = "\xEF\xBB\xBF\"run\",params,tokens,loss,notes\r\n";
  int i = 0;
  for (double n : {1e8, 3e8, 1e9, 3e9})
    for (double d : {2e9, 1e10, 5e10}) {
      const std::string id = "r" + std::to_string(i);
      const std::string rest =
          num(n) + "," + num(d) + "," + num(chinchilla(n, d) * (1 + 0.003 * wiggle(i++)));
      plain += id + "," + rest + "\n";
      excel += "\"" + id + "\"," + rest + ",\"lr 3e-4, \"\"cosine\"\"\"\r\n";
    }
  const auto a = run_scaleplan("fit runs.csv --bootstrap 20 --format json", {{"runs.csv", plain}});
  const auto b = run_scaleplan("fit runs.csv --bootstrap 20 --format json", {{"runs.csv", excel}});
  REQUIRE(a.rc == 0);
  REQUIRE(b.rc == 0);
  CHECK(Json::parse(a.out)["params"] == Json::parse(b.out)["params"]);
  CHECK(Json::parse(a.out)["intervals"] == Json::parse(b.out)["intervals"]);
}

TEST_CASE("fit: a law fitted on 0.4M-10M parameters plans a 1e16-FLOPs budget inside its range",
          "[cli][fit][plan]") {
  // Issue 15, acceptance 5: the former fixed domain (N >= 1e7) put this plan on its bound.
  std::string csv = "params,tokens,loss\n";
  int i = 0;
  for (double n : {4e5, 1e6, 2.5e6, 5e6, 1e7})
    for (double tpp : {5.0, 10.0, 20.0, 40.0, 80.0})
      csv += num(n) + "," + num(n * tpp) + "," +
             num(chinchilla(n, n * tpp) * (1 + 0.002 * wiggle(i++))) + "\n";
  const std::string budget =
      "budget: {flops: 1e16}\nhardware: {gpu: H100, count: 1}\n"
      "model: {law: small.yaml, flops_per_token: 6N}\n";
  const auto r =
      run_scaleplan("fit runs.csv -o small.yaml -q --bootstrap 20 >/dev/null && '" SCALEPLAN_BINARY
                    "' plan budget.yaml --format json",
                    {{"runs.csv", csv}, {"budget.yaml", budget}});
  REQUIRE(r.rc == 0);
  const Json j = Json::parse(r.out);
  const double n = j["recommendation"]["params"];
  CHECK(n > 4e5);
  CHECK(n < 1e7);
  // The law's continuous optimum is 7.37M parameters; the plan is a concrete shape near it (at
  // this size a layer is ~15% of the model), so its loss is held to that optimum's instead.
  CHECK(j["predicted"]["loss"].get<double>() <=
        chinchilla(7.37e6, 1e16 / (6 * 7.37e6)) * 1.005);
  CHECK(j["warnings"].empty());
}

TEST_CASE("fit: --joint writes one law per group that plan reads; --group selects rows",
          "[cli][fit]") {
  std::string csv = "dataset,run,params,tokens,loss\n";
  int i = 0;
  for (const auto& [name, shift] : {std::pair{"c4", 0.15}, std::pair{"web", 0.0}})
    for (double n : {1e8, 3e8, 1e9, 3e9})
      for (double d : {2e9, 1e10, 5e10, 2e11}) {
        csv += std::string(name) + ",r" + std::to_string(i) + "," + num(n) + "," + num(d) + "," +
               num((chinchilla(n, d) + shift) * (1 + 0.002 * wiggle(i))) + "\n";
        ++i;
      }
  const std::string budget =
      "budget: {flops: 1e21}\nhardware: {gpu: H100, count: 64}\nmodel: {law: law.c4.yaml}\n";
  auto r = run_scaleplan(
      "fit runs.csv --joint dataset -o law.yaml --bootstrap 20 --format json -q "
      "> fit.json && '" SCALEPLAN_BINARY
      "' plan budget.yaml --format json "
      "&& cat fit.json >&2 && ls",
      {{"runs.csv", csv}, {"budget.yaml", budget}});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("law.c4.yaml") != std::string::npos);
  CHECK(r.out.find("law.web.yaml") != std::string::npos);
  const Json fit = Json::parse(r.err);
  const Json& groups = fit["joint"]["groups"];
  REQUIRE(groups.size() == 2);
  CHECK(groups[0]["params"]["alpha"] == groups[1]["params"]["alpha"]);
  CHECK(groups[0]["params"]["E"].get<double>() - groups[1]["params"]["E"].get<double>() ==
        Approx(0.15).margin(0.02));
  CHECK(fit["intervals"].contains("E[c4]"));

  r = run_scaleplan("fit runs.csv --group dataset=web --bootstrap 0 --format json",
                    {{"runs.csv", csv}});
  REQUIRE(r.rc == 0);
  const Json web = Json::parse(r.out);
  CHECK(web["runs"] == 16);
  CHECK(web["params"]["E"].get<double>() ==
        Approx(groups[1]["params"]["E"].get<double>()).margin(0.02));
  CHECK(web["provenance"]["rows_not_in_group"] == 16);
}

TEST_CASE("plan: a law of compute alone or not of text gets a one-line error", "[cli][plan]") {
  const std::string budget =
      "budget: {flops: 5.76e23}\nhardware: {gpu: H100, count: 64}\nmodel: {law: porian2024}\n";
  auto r = run_scaleplan("plan budget.yaml", {{"budget.yaml", budget}});
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: budget.yaml:3:14: model.law: law 'porian2024' (form allocation, text) "
        "predicts the compute-optimal N and D from flops alone; plan needs a law of loss in N "
        "and D (`scaleplan laws` lists them; try `scaleplan predict --law porian2024`)\n");
  CHECK(r.out.empty());
  r = run_scaleplan("plan budget.yaml --law nezhurina2025_mammut", {{"budget.yaml", budget}});
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --law: law 'nezhurina2025_mammut' (form saturating, vision-language) "
        "predicts ImageNet-1k zero-shot top-1 error rate (fraction) from flops alone; plan needs "
        "a law of loss in N and D (`scaleplan laws` lists them; try `scaleplan predict --law "
        "nezhurina2025_mammut`)\n");
}

TEST_CASE("predict: every preset predicts from its inputs, and says which it needs", "[cli][law]") {
  auto r = run_scaleplan("predict --law porian2024 --flops 5.76e23");
  CHECK(r.rc == 0);
  CHECK(r.out == "C = 5.76e+23 FLOPs: N* = 76.2B, D* = 1.26T  [porian2024]\n");
  r = run_scaleplan("predict --law deepseek2024 --flops 8.4567e22");
  CHECK(r.out ==
        "C = 8.457e+22 FLOPs: M* = 1.799e+11 FLOPs per token (N ~ M/6 = 30B), D* = 470B, "
        "learning rate 0.000425, batch 9.22M tokens  [deepseek2024]\n");
  r = run_scaleplan(
      "predict --law muennighoff2023 --params 6.34e9 --tokens 2.42e11 "
      "--unique-tokens 2.5e10");
  CHECK(r.out == "L(N = 6.34B, D = 242B, U_D = 25B) = 2.22564  [muennighoff2023]\n");
  r = run_scaleplan("predict --law yao2024_encoder_tokens --tokens 1e9");
  CHECK(r.out ==
        "validation negative log-likelihood (in distribution) at tokens = 1e+09: "
        "2.23914  [yao2024_encoder_tokens]\n");
  r = run_scaleplan("predict --law porian2024 --params 1e9");
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --flops: missing: law 'porian2024' (form allocation) predicts from "
        "--flops\n");
  r = run_scaleplan("predict --law gadre2024_c4 --tokens 1e9");
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --params: missing: law 'gadre2024_c4' (form gadre2024) predicts "
        "from --params and --tokens\n");
}

TEST_CASE("plan: the default law puts Chinchilla's 5.76e23 FLOPs on a Chinchilla-sized model",
          "[cli][plan][law]") {
  // Issue 15, acceptance 7: 58-84B parameters (Chinchilla's 70B within 1.2x) with no model.law.
  const std::string budget =
      "budget: {flops: 5.76e23}\nhardware: {gpu: A100-80GB, count: 1024}\n"
      "model: {flops_per_token: 6N, precisions: [bf16]}\n";
  const auto r = run_scaleplan("plan budget.yaml --format json", {{"budget.yaml", budget}});
  REQUIRE(r.rc == 0);
  const Json j = Json::parse(r.out);
  CHECK(j["law"]["name"] == "besiroglu2024");
  const double n = j["recommendation"]["params"];
  CHECK(n >= 58e9);
  CHECK(n <= 84e9);
  CHECK(n == Approx(7.225e10).epsilon(0.002));
  CHECK(j["recommendation"]["tokens"].get<double>() / n == Approx(18.4).epsilon(0.01));
}
