#include "scaleplan/model/spot.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace scaleplan;

TEST_CASE("spot: Young's interval tau = sqrt(2 delta M)", "[spot]") {
  // 7e10 params: 14 B/param (weights and optimizer states) = 9.8e11 bytes at 5 GB/s = 196 s.
  // 128 GPUs on 16 8-GPU instances at 0.01/h: lambda = 0.16/h, M = 6.25 h;
  // tau = sqrt(2 x 196/3600 x 6.25).
  const SpotEffect e = spot_effect({}, 7e10, 128);
  CHECK(e.checkpoint_hours == Approx(196.0 / 3600));
  CHECK(e.interruptions_per_hour == Approx(0.16));
  CHECK(e.checkpoint_interval_hours == Approx(std::sqrt(2 * (196.0 / 3600) * 6.25)));
  // Overhead per useful hour: delta/tau + lambda (tau/2 + R).
  const double tau = e.checkpoint_interval_hours, lambda = 0.16;
  CHECK(e.time_multiplier - 1 ==
        Approx(e.checkpoint_hours / tau + lambda * (tau / 2 + kRestartHours)));
}

TEST_CASE("spot: no interruptions, no overhead: spot cost is spot price x GPU-hours", "[spot]") {
  SpotInputs in;
  in.interruptions_per_instance_hour = 0;
  const SpotEffect e = spot_effect(in, 7e10, 1024);
  CHECK(e.time_multiplier == 1);
  CHECK(e.lost_work_fraction == 0);
  CHECK(spot_wall_hours_p90(e, 100, kRestartHours) == 100);
}

TEST_CASE("spot: overhead and p90 rise monotonically with the interruption rate", "[spot]") {
  double previous = 1, previous_p90 = 0;
  for (double rate : {0.0, 1e-4, 1e-3, 0.01, 0.05, 0.2, 1.0}) {
    SpotInputs in;
    in.interruptions_per_instance_hour = rate;
    const SpotEffect e = spot_effect(in, 3e10, 512);
    CHECK(e.time_multiplier >= previous);
    const double p90 = spot_wall_hours_p90(e, 500, kRestartHours);
    CHECK(p90 >= previous_p90);
    CHECK(p90 >= 500 * 1.0);
    previous = e.time_multiplier;
    previous_p90 = p90;
  }
}

TEST_CASE("spot: at the break-even rate spot and on-demand cost the same", "[spot]") {
  const double rate = break_even_interruptions_per_hour({}, 7e10, 1024, 2.25, 2.95);
  REQUIRE(rate > 0);
  SpotInputs in;
  in.interruptions_per_instance_hour = rate;
  CHECK(2.25 * spot_effect(in, 7e10, 1024).time_multiplier == Approx(2.95).epsilon(1e-9));
  CHECK(break_even_interruptions_per_hour({}, 7e10, 1024, 3.0, 2.95) == 0);
}

TEST_CASE("spot: Poisson quantiles", "[spot]") {
  CHECK(poisson_quantile(0, 0.9) == 0);
  CHECK(poisson_quantile(1, 0.9) == 2);    // P(N <= 1) = 0.736, P(N <= 2) = 0.920
  CHECK(poisson_quantile(10, 0.9) == 14);  // P(N <= 13) = 0.864, P(N <= 14) = 0.917
}
