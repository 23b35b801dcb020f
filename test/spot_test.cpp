#include "scaleplan/model/spot.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/planner/plan.hpp"

using namespace scaleplan;

TEST_CASE("spot: Daly's renewal model at the optimal interval, Young's to first order",
          "[spot]") {
  // 7e10 params: 14 B/param (weights and optimizer states) = 9.8e11 bytes, written by 16 8-GPU
  // instances at 5 GB/s each: 12.25 s. 128 GPUs at 0.01/h per instance: lambda = 0.16/h, M = 6.25 h.
  const SpotEffect e = spot_effect({}, 7e10, 128);
  const double delta = 12.25 / 3600, mtbi = 6.25;
  CHECK(e.checkpoint_hours == Approx(delta));
  CHECK(e.interruptions_per_hour == Approx(0.16));
  const double tau = e.checkpoint_interval_hours;
  // Daly 2006: M e^(R/M) (e^((tau+delta)/M) - 1) / tau, by hand.
  CHECK(e.time_multiplier ==
        Approx(mtbi * std::exp(kRestartHours / mtbi) * (std::exp((tau + delta) / mtbi) - 1) / tau)
            .epsilon(1e-12));
  CHECK(e.lost_work_fraction == Approx(1 - 1 / e.time_multiplier));
  // tau is the minimum: 1% either side costs more.
  CHECK(expected_wall_multiplier(tau * 1.01, delta, kRestartHours, mtbi) > e.time_multiplier);
  CHECK(expected_wall_multiplier(tau * 0.99, delta, kRestartHours, mtbi) > e.time_multiplier);
  // First order (delta << M): Young's tau = sqrt(2 delta M) and 1 + sqrt(2 delta/M) + R/M, within
  // the next order's share, sqrt(delta / M) ~ 2.3%.
  CHECK(tau == Approx(std::sqrt(2 * delta * mtbi)).epsilon(0.03));
  CHECK(e.time_multiplier - 1 ==
        Approx(std::sqrt(2 * delta / mtbi) + kRestartHours / mtbi).epsilon(0.05));
}

TEST_CASE("spot: the renewal model's limits: a free checkpoint costs only the restarts",
          "[spot]") {
  // delta -> 0: checkpoint continuously, tau -> 0, and each interruption costs only R, which in
  // the renewal model (interruptions during restarts too) is e^(R/M) per hour of work.
  const double mtbi = 10, delta = 1e-12;
  const double tau = optimal_checkpoint_interval(delta, mtbi);
  CHECK(tau < 1e-4);
  CHECK(expected_wall_multiplier(tau, delta, kRestartHours, mtbi) ==
        Approx(std::exp(kRestartHours / mtbi)).epsilon(1e-4));
  // The interval stays below M whatever the checkpoint costs.
  for (const double d : {1e-3, 0.1, 1.0, 5.0, 20.0, 100.0}) CHECK(optimal_checkpoint_interval(d, mtbi) < mtbi);
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

TEST_CASE("spot: over random spot budgets the plan stays within its money and p90 >= expected",
          "[spot][property]") {
  // Issue 13, acceptance 3, over the range users live in: 8 to 16,384 GPUs, 0.001 to 0.1
  // interruptions per instance-hour, $1e4 to $1e9, with and without a deadline.
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> unit(0, 1);
  const GpuTable table = load_gpu_table("");
  const Law law = load_law(kDefaultLaw, "", {}, "law");
  int planned = 0;
  for (int i = 0; i < 40; ++i) {
    const int gpus = 8 << static_cast<int>(unit(rng) * 12);  // 8 .. 16384
    const double rate = std::pow(10, -3 + 2 * unit(rng));
    const double usd = std::pow(10, 4 + 5 * unit(rng));
    const bool deadline = unit(rng) < 0.5;
    std::string text = "budget: {usd: " + std::to_string(usd) +
                       (deadline ? ", deadline_hours: 720" : "") + "}\nhardware: {gpu: H100, " +
                       (unit(rng) < 0.5 ? "count: " : "max_count: ") + std::to_string(gpus) +
                       ", pricing: spot, spot_interruptions_per_hour: " + std::to_string(rate) +
                       "}\n";
    INFO(text);
    const Budget b = parse_budget(text, "b.yaml");
    try {
      const Plan p = make_plan(b, *find_gpu(table, b.gpu), law);
      ++planned;
      const Evaluation& e = p.evaluation;
      CHECK(e.cost.usd <= usd * (1 + 1e-6));
      REQUIRE(e.spot);
      CHECK(e.spot->wall_hours_p90 >= e.cost.wall_hours);
      if (deadline) CHECK(e.spot->wall_hours_p90 <= 720 * (1 + 1e-6));
      CHECK(e.cost.wall_hours > 0);
    } catch (const InfeasibleError& e) {
      CHECK(std::string(e.what()).find("no run meets the constraints: ") == 0);
    }
  }
  CHECK(planned >= 20);  // the sweep mostly plans: it tests plans, not refusals
}

TEST_CASE("spot: 16,384 spot H100 at the default rate spend within their budget", "[spot]") {
  const Budget b = parse_budget(
      "budget: {usd: 1.0e8, deadline_hours: 720}\nhardware: {gpu: H100, count: 16384, "
      "pricing: spot}\n",
      "b.yaml");
  const Plan p = make_plan(b, *find_gpu(load_gpu_table(""), b.gpu), load_law(kDefaultLaw, "", {}, "law"));
  CHECK(p.evaluation.cost.usd <= 1e8);
  CHECK(p.evaluation.spot->wall_hours_p90 >= p.evaluation.cost.wall_hours);
  CHECK(p.evaluation.spot->wall_hours_p90 <= 720 * (1 + 1e-6));
}
