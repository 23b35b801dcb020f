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
  // Only the accuracy above chance is worth anything (issue 13): (epsilon - Err) / epsilon =
  // (0.850 - 0.6346) / 0.850 = 0.2534 at L = 3.0, not 1 - Err = 0.3654.
  CHECK(above_chance_accuracy(c4, 3.0) == Approx(0.2534).margin(1e-4));
  CHECK(value_per_query(roi, 3.0) == Approx(0.002 * 0.2534).epsilon(1e-3));
  CHECK(value_per_query(roi, 2.5) > value_per_query(roi, 3.0));
}

TEST_CASE("roi: a model at chance is worth nothing, a perfect one the full value", "[roi]") {
  const LossToError c4;
  Roi roi;
  roi.value_per_correct_answer_usd = 0.002;
  // Err(inf) = epsilon: chance; the value vanishes with the loss (1 - Err would pay 0.15 of it).
  CHECK(value_per_query(roi, 50) == Approx(0).margin(1e-12));
  CHECK(above_chance_accuracy(c4, 50) >= 0);
  // Below L = ln(k / epsilon) / gamma = 1.1838 the law's error is negative: clamped to all right.
  CHECK(above_chance_accuracy(c4, 0.5) == 1);
  CHECK(value_per_query(roi, 0.5) == Approx(0.002));
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
