#include "scaleplan/model/roi.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace scaleplan;

TEST_CASE("roi: Gadre et al. Eq. 5 with the C4 constants of Table 6", "[roi]") {
  const LossToError c4;
  // Err(L) = 0.850 - 2.08 exp(-0.756 L): at L = 3.0, 0.850 - 2.08 x 0.10355 = 0.6346.
  CHECK(downstream_error(c4, 3.0) == Approx(0.850 - 2.08 * std::exp(-0.756 * 3.0)));
  CHECK(downstream_error(c4, 3.0) == Approx(0.6346).margin(1e-4));
  // Error approaches epsilon (chance-level average) as the loss grows.
  CHECK(downstream_error(c4, 20) == Approx(0.850).margin(1e-5));
  Roi roi;
  roi.value_per_correct_answer_usd = 0.002;
  CHECK(value_per_query(roi, 3.0) == Approx(0.002 * (1 - 0.6346)).epsilon(1e-3));
  CHECK(value_per_query(roi, 2.5) > value_per_query(roi, 3.0));
}

TEST_CASE("roi: a value table is interpolated monotonically and clamped", "[roi]") {
  Roi roi;
  roi.value_table = {{2.4, 0.0}, {1.9, 0.003}, {2.1, 0.001}};
  CHECK(value_per_query(roi, 2.1) == Approx(0.001));
  CHECK(value_per_query(roi, 2.0) == Approx(0.002));
  CHECK(value_per_query(roi, 2.25) == Approx(0.0005));
  CHECK(value_per_query(roi, 1.5) == Approx(0.003));
  CHECK(value_per_query(roi, 3.0) == Approx(0.0));
}
