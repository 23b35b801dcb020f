// `scaleplan check`'s options (the findings themselves: the golden cases test/cli/check_*).

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using scaleplan::test::run_scaleplan;

namespace {

double regret_threshold(const std::string& option) {
  const auto r = run_scaleplan("check example:h100_run --budget example:h100_2m_usd --format json" +
                               option);
  REQUIRE(r.rc == 0);
  const auto report = nlohmann::json::parse(r.out);
  for (const auto& f : report["findings"])
    if (f["name"] == "regret") return f["threshold"].get<double>();
  FAIL("no regret finding");
  return 0;
}

}  // namespace

TEST_CASE("check: --max-regret takes 5% or a fraction, the unit of JSON regret.value",
          "[check][cli]") {
  CHECK(regret_threshold("") == Approx(0.05));  // the default, 5%
  CHECK(regret_threshold(" --max-regret 3%") == Approx(0.03));
  CHECK(regret_threshold(" --max-regret 0.03") == Approx(0.03));
  CHECK(regret_threshold(" --max-regret 0.5%") == Approx(0.005));
}

TEST_CASE("check: a bare --max-regret of 1 or more is refused as a likely percent", "[check][cli]") {
  auto r = run_scaleplan("check example:h100_run --max-regret 3");
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --max-regret: '3': a bare number is a fraction, as JSON's regret.value (0.03 "
        "for 3%); write 3% for percent\n");
  r = run_scaleplan("check example:h100_run --max-regret -1%");
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: --max-regret: '-1%': expected a percent such as 5% or a fraction such as "
        "0.05\n");
}
