#include "scaleplan/fit.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "scaleplan/runs_csv.hpp"
#include "scaleplan/yaml_input.hpp"
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
  for (const RunRow& r : parse_runs_csv(read_input(path), path).rows)
    if (!drop_outliers || !matches(outliers, r)) rows.push_back(r);
  return rows;
}

}  // namespace

TEST_CASE("fit: reproduces Epoch's Huber fit of the Chinchilla points (240 runs)",
          "[fit][slow]") {
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
