#include "scaleplan/model/fit.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>

#include "scaleplan/io/fit_report.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/runs_csv.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

std::vector<FitPoint> to_points(const std::vector<RunRow>& rows) {
  std::vector<FitPoint> points;
  for (std::size_t i = 0; i < rows.size(); ++i)
    points.push_back({std::log(rows[i].params), std::log(rows[i].tokens), std::log(rows[i].loss),
                      rows[i].weight, static_cast<int>(i)});
  return points;
}

std::vector<RunRow> chinchilla_rows(bool drop_outliers) {
  const std::string path = test::shared_path("data/chinchilla_points.csv");
  if (path.empty()) return {};
  std::vector<RunRow> rows;
  const RowFilter outliers = parse_row_filter("loss>=3.44", "--exclude");
  const RunsTable table = parse_runs_csv(read_input(path), path);
  for (const RunRow& r : table.rows)
    if (!drop_outliers || !matches(outliers, r, table)) rows.push_back(r);
  return rows;
}

}  // namespace

TEST_CASE("fit: reproduces Epoch's Huber fit of the Chinchilla points (240 runs)", "[fit][slow]") {
  const std::vector<RunRow> rows = chinchilla_rows(true);
  SKIP_WITHOUT_SHARED(rows.empty() ? std::string() : std::string("ok"));
  REQUIRE(rows.size() == 240);
  const FitResult fit = fit_law(to_points(rows), {}, initial_grid(FitForm::kChinchilla));
  const auto& law = std::get<ChinchillaLaw>(fit.law);
  // shared/data/chinchilla_points.SOURCE.md: A = 477.84, B = 2143.86, E = 1.8172,
  // alpha = 0.34731, beta = 0.36718, objective 1.01827e-3.
  CHECK(law.e == Approx(1.8172).epsilon(0.005));
  CHECK(law.alpha == Approx(0.3473).epsilon(0.005));
  CHECK(law.beta == Approx(0.3672).epsilon(0.005));
  CHECK(law.a == Approx(477.8).epsilon(0.03));
  CHECK(law.b == Approx(2143.9).epsilon(0.03));
  CHECK(fit.objective == Approx(1.0183e-3).epsilon(0.005));
  CHECK(fit.starts == 4500);
  CHECK(fit.starts_at_best > 1);
  CHECK(fit.at_bound.empty());
}

namespace {

/// Runs on a grid of N and D drawn from `law` with multiplicative noise of `sigma` (log-normal).
std::vector<FitPoint> synthetic(const LawForm& law, double sigma, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, sigma);
  std::vector<FitPoint> points;
  int run = 0;
  for (double n = 1e7; n <= 1.1e10; n *= 2.7)
    for (double d = 1e9; d <= 4e11; d *= 3.3)
      points.push_back(
          {std::log(n), std::log(d), std::log(loss(law, n, d)) + noise(rng), 1, run++});
  return points;
}

}  // namespace

TEST_CASE("fit: recovers a known Chinchilla law from noisy runs over several seeds", "[fit]") {
  const ChinchillaLaw truth{1.8, 400, 1500, 0.33, 0.36};
  for (unsigned seed : {1u, 2u, 3u, 4u}) {
    INFO("seed " << seed);
    const FitResult fit =
        fit_law(synthetic(truth, 0.003, seed), {}, initial_grid(FitForm::kChinchilla));
    const auto& got = std::get<ChinchillaLaw>(fit.law);
    CHECK(got.e == Approx(truth.e).margin(0.05));
    CHECK(got.alpha == Approx(truth.alpha).margin(0.03));
    CHECK(got.beta == Approx(truth.beta).margin(0.03));
    // The compute-optimal exponent a = beta/(alpha+beta) is what planning depends on.
    CHECK(got.beta / (got.alpha + got.beta) ==
          Approx(truth.beta / (truth.alpha + truth.beta)).margin(0.02));
    CHECK(fit.at_bound.empty());
  }
}

TEST_CASE("fit: recovers a Kaplan-form law (--form kaplan)", "[fit]") {
  const KaplanLaw truth{6.4e13, 1.8e13, 0.076, 0.103};
  FitOptions options;
  options.form = FitForm::kKaplan;
  for (unsigned seed : {1u, 2u}) {
    INFO("seed " << seed);
    const FitResult fit =
        fit_law(synthetic(truth, 0.002, seed), options, initial_grid(FitForm::kKaplan));
    const auto& got = std::get<KaplanLaw>(fit.law);
    CHECK(got.alpha_n == Approx(truth.alpha_n).epsilon(0.1));
    CHECK(got.alpha_d == Approx(truth.alpha_d).epsilon(0.1));
    CHECK(loss(fit.law, 1e9, 2e10) == Approx(loss(truth, 1e9, 2e10)).epsilon(0.005));
  }
}

TEST_CASE("fit: a sweep too small to fix the exponents lands on a bound and says so", "[fit]") {
  // Five runs of one size apart from one: alpha is unidentified and runs to a bound.
  std::vector<FitPoint> points;
  const ChinchillaLaw truth{1.8, 400, 1500, 0.33, 0.36};
  int run = 0;
  for (double d : {1e9, 3e9, 1e10, 3e10, 1e11})
    points.push_back({std::log(1e8), std::log(d), std::log(loss(truth, 1e8, d)), 1, run++});
  points.push_back(
      {std::log(1.05e8), std::log(1e10), std::log(loss(truth, 1.05e8, 1e10) * 1.05), 1, run++});
  const FitResult fit = fit_law(points, {}, initial_grid(FitForm::kChinchilla));
  CHECK_FALSE(fit.at_bound.empty());
}

TEST_CASE("fit: the objective is Hoffmann's Huber loss of log residuals", "[fit]") {
  CHECK(huber(5e-4, 1e-3) == Approx(1.25e-7));
  CHECK(huber(-3e-3, 1e-3) == Approx(1e-3 * (3e-3 - 5e-4)));
  const ChinchillaLaw law{1.69, 406.4, 410.7, 0.34, 0.28};
  std::vector<FitPoint> exact = {
      {std::log(1e9), std::log(2e10), std::log(loss(law, 1e9, 2e10)), 1, 0}};
  CHECK(fit_objective(exact, {}, law) == Approx(0).margin(1e-20));
  exact[0].log_loss += 0.01;
  CHECK(fit_objective(exact, {}, law) == Approx(1e-3 * (0.01 - 5e-4)).epsilon(1e-6));
  // A row repeated k times weighs as one row of weight k (the bootstrap merges repeated runs).
  std::vector<FitPoint> repeated = {exact[0], exact[0], exact[0]};
  std::vector<FitPoint> weighted = {exact[0]};
  weighted[0].weight = 3;
  CHECK(fit_objective(repeated, {}, law) ==
        Approx(fit_objective(weighted, {}, law)).epsilon(1e-14));
}

TEST_CASE("fit: bootstrap intervals overlap the replication's published 95% intervals",
          "[fit][slow]") {
  const std::vector<RunRow> rows = chinchilla_rows(true);
  SKIP_WITHOUT_SHARED(rows.empty() ? std::string() : std::string("ok"));
  FitRequest request;
  request.train = rows;
  request.bootstrap = 100;
  request.seed = 7;
  const FitReport r = make_fit_report(request, "chinchilla_points.csv", {});
  // Besiroglu et al. 2024 (chinchilla_points.SOURCE.md): E (1.769, 1.871), A (285.2, 743.6),
  // B (1042.4, 5810.3), alpha (0.317, 0.373), beta (0.331, 0.415).
  const std::map<std::string, Interval> published = {{"E", {1.769, 1.871}},
                                                     {"A", {285.2, 743.6}},
                                                     {"B", {1042.4, 5810.3}},
                                                     {"alpha", {0.317, 0.373}},
                                                     {"beta", {0.331, 0.415}}};
  int checked = 0;
  for (const auto& [name, iv] : r.intervals) {
    if (!published.count(name)) continue;
    INFO(name << ": ours " << iv.low << " to " << iv.high);
    CHECK(iv.low < published.at(name).high);
    CHECK(iv.high > published.at(name).low);
    CHECK(iv.low < iv.high);
    ++checked;
  }
  CHECK(checked == 5);
  CHECK(r.samples.size() == 100);
}

TEST_CASE("fit: trained on the smaller Chinchilla runs, predicts the largest within 5%",
          "[fit][slow]") {
  const std::vector<RunRow> rows = chinchilla_rows(true);
  SKIP_WITHOUT_SHARED(rows.empty() ? std::string() : std::string("ok"));
  FitRequest request;
  request.bootstrap = 0;
  for (const RunRow& row : rows)
    (row.params >= 1e10 ? request.holdout : request.train).push_back(row);
  const FitReport r = make_fit_report(request, "chinchilla_points.csv", {});
  REQUIRE(r.holdout.size() == 6);
  WARN("held-out Chinchilla runs (N >= 1e10, " << r.holdout.size() << " runs): MAPE "
                                               << r.holdout_mape_percent << "%");
  CHECK(r.holdout_mape_percent < 5);
  for (const HoldoutPoint& h : r.holdout) CHECK(std::abs(h.relative_error) < 0.05);
}

TEST_CASE("fit: the 5 outliers move the fit as the replication reports", "[fit][slow]") {
  const std::vector<RunRow> rows = chinchilla_rows(false);
  SKIP_WITHOUT_SHARED(rows.empty() ? std::string() : std::string("ok"));
  REQUIRE(rows.size() == 245);
  const FitResult fit = fit_law(fit_points(rows), {}, initial_grid(FitForm::kChinchilla));
  const auto& law = std::get<ChinchillaLaw>(fit.law);
  CHECK(law.e == Approx(1.89).margin(0.01));      // SOURCE.md: E about 1.89
  CHECK(law.beta == Approx(0.456).margin(0.01));  // beta about 0.456
}

TEST_CASE("fit: the vectorised objective equals the scalar sum of Huber terms for any row count",
          "[fit]") {
  // The kernel works in chunks of 32 and 8 points (padded with zero-weight points) with SLEEF's
  // exp2/log; each count below exercises a different split between them.
  const ChinchillaLaw chinchilla{1.82, 478, 2143, 0.347, 0.367};
  const KaplanLaw kaplan{8.8e12, 3.1e13, 0.095, 0.114};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> log_n(std::log(7e7), std::log(1.6e10)),
      log_d(std::log(5e9), std::log(5e11)), noise(-0.05, 0.05), weight(0.5, 2);
  for (const int count : {1, 7, 8, 9, 31, 32, 33, 40, 100, 241}) {
    std::vector<FitPoint> points;
    for (int i = 0; i < count; ++i) {
      const double n = std::exp(log_n(rng)), d = std::exp(log_d(rng));
      points.push_back({std::log(n), std::log(d), std::log(loss(chinchilla, n, d)) + noise(rng),
                        weight(rng), i});
    }
    for (const LawForm& law : {LawForm{chinchilla}, LawForm{kaplan}}) {
      FitOptions options;
      options.form =
          std::holds_alternative<KaplanLaw>(law) ? FitForm::kKaplan : FitForm::kChinchilla;
      double expected = 0;
      for (const FitPoint& p : points)
        expected +=
            p.weight *
            huber(std::log(loss(law, std::exp(p.log_params), std::exp(p.log_tokens))) - p.log_loss,
                  options.huber_delta);
      INFO(count << " rows, form " << static_cast<int>(options.form));
      CHECK(fit_objective(points, options, law) == Approx(expected).epsilon(1e-12));
    }
  }
}

namespace {

/// Deterministic "noise" in [-1, 1] (the same on every platform, unlike <random>'s
/// distributions).
double wiggle(int i) { return std::sin(12.9898 * i); }

/// A sweep of N x D drawn from `law` with relative noise `noise`.
std::vector<FitPoint> sweep(const LawForm& law, double noise, const std::vector<double>& ns,
                            const std::vector<double>& ds, int group = 0, int first_run = 0) {
  std::vector<FitPoint> points;
  int i = first_run;
  for (double n : ns)
    for (double d : ds) {
      FitPoint p{std::log(n), std::log(d), std::log(loss(law, n, d) * (1 + noise * wiggle(i))), 1,
                 i};
      p.group = group;
      p.log_flops = std::log(6 * n * d);
      points.push_back(p);
      ++i;
    }
  return points;
}

const std::vector<double> kNs = {3e7, 1e8, 3e8, 1e9, 3e9, 1e10};
const std::vector<double> kDs = {1e9, 3e9, 1e10, 3e10, 1e11, 3e11};

}  // namespace

TEST_CASE("fit: recovers an equal-exponent law (--form equal-exponent)", "[fit]") {
  const ChinchillaLaw truth{1.7, 450, 1800, 0.34, 0.34};
  FitOptions options;
  options.form = FitForm::kEqualExponent;
  const FitResult fit = fit_law(sweep(truth, 0.002, kNs, kDs), options, initial_grid(options.form));
  REQUIRE(fit.failure.empty());
  CHECK(fit.starts == 900);
  const auto& got = std::get<ChinchillaLaw>(fit.law);
  CHECK(got.alpha == got.beta);
  CHECK(got.alpha == Approx(0.34).margin(0.02));
  CHECK(got.e == Approx(1.7).margin(0.05));
}

TEST_CASE("fit: recovers Gadre et al.'s C4 law from over-trained runs (--form gadre2024)",
          "[fit]") {
  // Table 6's C4 constants as the truth; runs at token multipliers M = 5 to 640, as the testbed.
  const OvertrainingLaw truth{1.51, 141, 190, 0.121};
  std::vector<FitPoint> points;
  int i = 0;
  for (double n : {1.1e7, 5.7e7, 7.9e7, 1.5e8, 4.1e8, 1.4e9})
    for (double m : {5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0}) {
      const double d = m * n;
      points.push_back(
          {std::log(n), std::log(d), std::log(loss(truth, n, d) * (1 + 0.001 * wiggle(i))), 1, i});
      ++i;
    }
  FitOptions options;
  options.form = FitForm::kGadre;
  const FitResult fit = fit_law(points, options, initial_grid(options.form));
  REQUIRE(fit.failure.empty());
  const auto& got = std::get<OvertrainingLaw>(fit.law);
  CHECK(got.eta == Approx(0.121).margin(0.01));
  CHECK(got.e == Approx(1.51).margin(0.1));
  // The over-trained extrapolation Gadre et al. test: 6.9B parameters at M = 20.
  CHECK(loss(fit.law, 6.9e9, 1.38e11) == Approx(loss(truth, 6.9e9, 1.38e11)).epsilon(0.005));
}

TEST_CASE("fit: recovers loss against compute (--form compute)", "[fit]") {
  const ComputeLaw truth{1.6, 120, 0.05};
  std::vector<FitPoint> points;
  int i = 0;
  for (double c = 1e17; c <= 1e22; c *= 2.5) {
    FitPoint p;
    p.log_flops = std::log(c);
    p.log_params = std::log(std::sqrt(c / 120));
    p.log_tokens = std::log(c) - std::log(6) - p.log_params;
    p.log_loss = std::log(evaluate(truth, {.flops = c}) * (1 + 0.001 * wiggle(i)));
    p.run = i++;
    points.push_back(p);
  }
  FitOptions options;
  options.form = FitForm::kCompute;
  const FitResult fit = fit_law(points, options, initial_grid(options.form));
  REQUIRE(fit.failure.empty());
  CHECK(fit.starts == 270);
  const auto& got = std::get<ComputeLaw>(fit.law);
  CHECK(got.alpha == Approx(0.05).margin(0.01));
  CHECK(evaluate(fit.law, {.flops = 1e24}) ==
        Approx(evaluate(truth, {.flops = 1e24})).epsilon(0.01));
}

TEST_CASE("fit: recovers Muennighoff et al.'s R_D* and R_N* from repeated-data runs", "[fit]") {
  // The preset's constants as the truth: single-epoch runs for the base (no bigger than
  // N_opt(D) = 0.051 D, as the paper's base fit assumes), then 4-40 epochs of less unique data.
  const DataConstrainedLaw truth{
      {std::exp(0.6254804), std::exp(6.255414), std::exp(7.3049974), 0.3526596, 0.3526596},
      15.387756,
      5.309743};
  std::vector<FitPoint> points;
  int i = 0;
  for (double n : {1e8, 3e8, 1e9, 1.5e9})
    for (double d : {3e10, 1e11, 3e11, 1e12})
      for (double epochs : {1.0, 4.0, 10.0, 40.0}) {
        FitPoint p{std::log(n), std::log(d), 0, 1, i};
        p.unique_tokens = d / epochs;
        p.log_loss =
            std::log(evaluate(truth, {.params = n, .tokens = d, .unique_tokens = d / epochs}) *
                     (1 + 0.0005 * wiggle(i)));
        points.push_back(p);
        ++i;
      }
  FitOptions options;
  options.form = FitForm::kMuennighoff;
  const FitResult fit = fit_law(points, options, initial_grid(options.form));
  REQUIRE(fit.failure.empty());
  const auto& got = std::get<DataConstrainedLaw>(fit.law);
  CHECK(got.base.alpha == Approx(0.3527).margin(0.02));
  CHECK(got.r_d_star == Approx(15.39).epsilon(0.1));
  CHECK(got.r_n_star == Approx(5.31).epsilon(0.15));
  CHECK(fit.starts == 900 + 16);

  // Without single-epoch rows the base cannot be fitted: said, not guessed.
  std::vector<FitPoint> repeated;
  for (const FitPoint& p : points)
    if (p.unique_tokens < std::exp(p.log_tokens) * 0.9) repeated.push_back(p);
  CHECK(fit_law(repeated, options, initial_grid(options.form)).failure ==
        "muennighoff2023 fits its base law on single-epoch rows (tokens <= unique_tokens) and "
        "found 0; it needs at least 4");
}

TEST_CASE("fit: a joint fit shares the exponents and gives each group its own E (--joint)",
          "[fit]") {
  const ChinchillaLaw c4{1.9, 450, 1800, 0.34, 0.36}, web{1.7, 450, 1800, 0.34, 0.36};
  std::vector<FitPoint> points = sweep(c4, 0.002, kNs, kDs, 0, 0);
  const std::vector<FitPoint> other = sweep(web, 0.002, kNs, kDs, 1, 100);
  points.insert(points.end(), other.begin(), other.end());
  FitOptions options;
  options.groups = 2;
  const FitResult fit = fit_law(points, options, initial_grid(options.form));
  REQUIRE(fit.group_laws.size() == 2);
  const auto& a = std::get<ChinchillaLaw>(fit.group_laws[0]);
  const auto& b = std::get<ChinchillaLaw>(fit.group_laws[1]);
  CHECK(a.alpha == b.alpha);
  CHECK(a.beta == b.beta);
  CHECK(a.a == b.a);
  CHECK(a.e == Approx(1.9).margin(0.03));
  CHECK(b.e == Approx(1.7).margin(0.03));
  CHECK(a.e - b.e == Approx(0.2).margin(0.01));
  CHECK(fit.x.size() == 6);  // a, b, e[0], e[1], alpha, beta
}

TEST_CASE("fit: a common weight changes nothing, however large", "[fit]") {
  const ChinchillaLaw truth{1.8, 400, 1500, 0.33, 0.36};
  const std::vector<FitPoint> unit = sweep(truth, 0.003, kNs, kDs);
  for (const double w : {1e12, 1e308, 1e-300}) {
    INFO("weight " << w);
    std::vector<FitPoint> heavy = unit;
    for (FitPoint& p : heavy) p.weight = w;
    const FitResult a = fit_law(unit, {}, initial_grid(FitForm::kChinchilla));
    const FitResult b = fit_law(heavy, {}, initial_grid(FitForm::kChinchilla));
    REQUIRE(b.failure.empty());
    CHECK(b.objective == a.objective);
    CHECK(std::get<ChinchillaLaw>(b.law).alpha == std::get<ChinchillaLaw>(a.law).alpha);
    CHECK(std::get<ChinchillaLaw>(b.law).e == std::get<ChinchillaLaw>(a.law).e);
  }
}

TEST_CASE("fit: when no start gives a finite objective the fit says so", "[fit]") {
  std::vector<FitPoint> points = sweep(ChinchillaLaw{1.8, 400, 1500, 0.33, 0.36}, 0, kNs, kDs);
  for (FitPoint& p : points) p.log_loss = std::nan("");
  const FitResult fit = fit_law(points, {}, initial_grid(FitForm::kChinchilla));
  CHECK(fit.failure ==
        "no start gave a finite objective (check that losses and weights are "
        "finite and positive)");
}

TEST_CASE("fit: screening the starts on a subsample reaches the full method's optimum",
          "[fit][slow]") {
  // 1,200 checkpoint rows: every start on 256 evenly spaced rows (the default is 1,024; fewer
  // keep the test quick under the sanitizers), the best 8 distinct end points refined on all;
  // against all 4,500 starts on all 1,200 rows.
  const ChinchillaLaw truth{1.82, 482, 2085, 0.348, 0.366};
  std::vector<FitPoint> points;
  int i = 0;
  for (double n : {5e7, 2e8, 8e8, 3e9, 1e10, 1.6e10})
    for (double d_final : {2e9, 1e10, 5e10, 2e11})
      for (int k = 1; k <= 50; ++k) {
        const double d = d_final * k / 50;
        points.push_back({std::log(n), std::log(d),
                          std::log(loss(truth, n, d) * (1 + 0.004 * wiggle(i++))), 1,
                          static_cast<int>(points.size() / 50)});
      }
  FitOptions fast_options;
  fast_options.screen_points = 256;
  const FitResult fast = fit_law(points, fast_options, initial_grid(FitForm::kChinchilla));
  FitOptions full_options;
  full_options.all_starts = true;
  const FitResult full = fit_law(points, full_options, initial_grid(FitForm::kChinchilla));
  CHECK(fast.screen_points == 256);
  CHECK(fast.refined >= 1);
  CHECK(full.screen_points == 0);
  CHECK(fast.objective == Approx(full.objective).epsilon(1e-9));
  for (std::size_t k = 0; k < fast.x.size(); ++k)
    CHECK(fast.x[k] == Approx(full.x[k]).epsilon(1e-4));
}

TEST_CASE("fit: the Hessian at a well-determined optimum is well conditioned", "[fit]") {
  const ChinchillaLaw truth{1.8, 400, 1500, 0.33, 0.36};
  const FitResult good =
      fit_law(sweep(truth, 0.0005, kNs, kDs), {}, initial_grid(FitForm::kChinchilla));
  CHECK(good.hessian_condition > 1);
  CHECK(good.hessian_condition < 1e10);
}

TEST_CASE("fit: a law file the law reader would reject is refused, with its path", "[fit]") {
  FitRequest request;
  for (double n : {1e8, 3e8, 1e9, 3e9})
    for (double d : {2e9, 1e10, 5e10}) {
      RunRow row;
      row.params = n;
      row.tokens = d;
      row.loss = loss(ChinchillaLaw{1.8, 400, 1500, 0.33, 0.36}, n, d) *
                 (1 + 0.003 * wiggle(static_cast<int>(n / d * 1e3)));
      row.run = std::to_string(request.train.size());
      request.train.push_back(row);
    }
  request.bootstrap = 0;
  FitReport report = make_fit_report(request, "runs.csv", {});
  const Tree provenance = {{"input", "runs.csv"}};
  const auto files = law_files(report, provenance, "out/law.yaml", "");
  REQUIRE(files.size() == 1);
  CHECK(files[0].first == "out/law.yaml");
  CHECK(parse_law(files[0].second, "law.yaml").name == "law");
  // The fit put alpha on its lower bound: the law reader wants alpha > 0.
  std::get<ChinchillaLaw>(report.fit.group_laws[0]).alpha = 0;
  CHECK_THROWS_WITH(law_files(report, provenance, "out/law.yaml", ""),
                    "out/law.yaml: not written: params.alpha: must be > 0, got 0 (the law reader, "
                    "and so plan, would reject this law; see the warnings)");
  // A joint fit writes one file per group.
  report.fit.group_laws = {ChinchillaLaw{1.8, 400, 1500, 0.33, 0.36},
                           ChinchillaLaw{1.7, 400, 1500, 0.33, 0.36}};
  report.groups = {"c4", "web/2"};
  report.joint_column = "dataset";
  const auto joint = law_files(report, provenance, "law.yaml", "mine");
  REQUIRE(joint.size() == 2);
  CHECK(joint[0].first == "law.c4.yaml");
  CHECK(joint[1].first == "law.web_2.yaml");
  CHECK(parse_law(joint[1].second, "x").name == "mine.web/2");
}
