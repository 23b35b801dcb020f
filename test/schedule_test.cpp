// The LR schedule's annealing areas (Tissue et al. 2024), the data-dependent critical batch
// (model.critical_batch: zhang2024) and what `check` says of a run's batch and schedule.
// Golden numbers here are derived by hand from the definitions; the unverified constants of
// Zhang et al.'s fit and of Tissue et al.'s law (L0, A, C, alpha) are not pinned.

#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "finding_support.hpp"
#include "scaleplan/model/recipe.hpp"

using namespace scaleplan;
using scaleplan::test::finding;
using scaleplan::test::run_scaleplan;
using Json = nlohmann::json;

namespace {

Schedule wsd(long long total, long long decay, DecayShape shape = DecayShape::kLinear,
             double final_fraction = 0, long long warmup = 0) {
  Schedule s;
  s.kind = ScheduleKind::kWsd;
  s.total_steps = total;
  s.decay_steps = decay;
  s.warmup_steps = warmup;
  s.decay_shape = shape;
  s.final_lr_fraction = final_fraction;
  return s;
}

constexpr double kLambda = 0.999;

/// sum_{j=1..d} (1 - lambda^j) / (1 - lambda) / d: a linear decay of d steps, each dropping 1/d,
/// the drop at j steps from the end counted (1 - lambda^j) / (1 - lambda) times.
double linear_s2(double d) {
  return (d - kLambda * (1 - std::pow(kLambda, d)) / (1 - kLambda)) / (d * (1 - kLambda));
}

}  // namespace

TEST_CASE("schedule: a constant LR has S1 = the steps and no annealing area", "[schedule]") {
  const AnnealingAreas a = annealing_areas(wsd(10000, 0, DecayShape::kLinear, 0, 500));
  CHECK(a.s1 == 10000);  // warmup counted at the peak
  CHECK(a.s2 == 0);
}

TEST_CASE("schedule: a drop to 0 on the last step has S1 = T - 1 and S2 = 1", "[schedule]") {
  // m_(T-1) = 1 (the drop), summed once: S2 = 1.
  const AnnealingAreas a = annealing_areas(wsd(5000, 1));
  CHECK(a.s1 == 4999);
  CHECK(a.s2 == Approx(1).epsilon(1e-12));
}

TEST_CASE("schedule: a linear cooldown of d steps, by hand", "[schedule]") {
  // Steps at 1 - j/d, j = 1..d: S1 = (T - d) + (d - 1) / 2.
  for (long long steps : {10LL, 2000LL, 20000LL}) {
    const AnnealingAreas a = annealing_areas(wsd(100000, steps));
    const double d = static_cast<double>(steps);
    CHECK(a.s1 == Approx(100000.0 - d + (d - 1) / 2.0).epsilon(1e-12));
    CHECK(a.s2 == Approx(linear_s2(d)).epsilon(1e-9));
  }
  // To a floor f: the same shape scaled by (1 - f) above f.
  const AnnealingAreas floored = annealing_areas(wsd(100000, 2000, DecayShape::kLinear, 0.1));
  CHECK(floored.s1 == Approx(98000 + 2000 * 0.1 + 0.9 * 1999 / 2.0).epsilon(1e-12));
  CHECK(floored.s2 == Approx(0.9 * linear_s2(2000)).epsilon(1e-9));
}

TEST_CASE("schedule: the binned sum above 2^20 decay steps matches the exact one", "[schedule]") {
  // 2^22 steps of linear decay: the closed form against the bins.
  const double d = 4194304;
  const AnnealingAreas a = annealing_areas(wsd(20000000, 4194304));
  CHECK(a.s1 == Approx(20000000 - d + (d - 1) / 2).epsilon(1e-6));
  CHECK(a.s2 == Approx(linear_s2(d)).epsilon(1e-4));
  // A 1e15-step run (the largest run.schedule admits) finishes with finite areas.
  const AnnealingAreas huge = annealing_areas(wsd(1000000000000000LL, 200000000000000LL));
  CHECK(std::isfinite(huge.s1));
  CHECK(std::isfinite(huge.s2));
  CHECK(huge.s1 == Approx(0.9e15).epsilon(1e-6));
}

TEST_CASE("schedule: cosine to a floor f has S1 = T (f + (1 - f) / 2) nearly", "[schedule]") {
  Schedule s;
  s.kind = ScheduleKind::kCosine;
  s.total_steps = 100000;
  s.final_lr_fraction = 0.1;
  const AnnealingAreas a = annealing_areas(s);
  CHECK(a.s1 == Approx(100000 * 0.55).epsilon(1e-4));
  CHECK(lr_fraction(s, 99999) == Approx(0.1));
  CHECK(lr_fraction(s, 49999) == Approx(0.55));
}

TEST_CASE("schedule: a longer cooldown, up to 40% of the run, has more annealing area",
          "[schedule]") {
  // Tissue et al.: L = L0 + A S1^-alpha - C S2. A longer cooldown never lowers S2 (the term
  // that lowers the loss) and gives up S1; a cooldown is never predicted worse than none while
  // C S2 outweighs the S1 it costs, which the law's fitted constants decide (none published).
  for (DecayShape shape : {DecayShape::kLinear, DecayShape::kOneMinusSqrt}) {
    AnnealingAreas previous = annealing_areas(wsd(200000, 0, shape));
    for (double f = 0.05; f <= 0.4001; f += 0.05) {
      const AnnealingAreas a =
          annealing_areas(wsd(200000, static_cast<long long>(f * 200000), shape));
      INFO(to_string(shape) << " f = " << f);
      CHECK(a.s2 >= previous.s2);
      CHECK(a.s1 < previous.s1);
      previous = a;
    }
  }
  // (1 - sqrt) drops sooner than linear over the same steps: less S1, more S2.
  const AnnealingAreas lin = annealing_areas(wsd(200000, 40000, DecayShape::kLinear));
  const AnnealingAreas sqrt = annealing_areas(wsd(200000, 40000, DecayShape::kOneMinusSqrt));
  CHECK(sqrt.s1 < lin.s1);
  CHECK(sqrt.s2 > lin.s2);
}

TEST_CASE("schedule: the law's reference schedule is WSD with a 20% linear cooldown to 0",
          "[schedule]") {
  const Schedule r = reference_schedule(2000, 100000);
  CHECK(r.kind == ScheduleKind::kWsd);
  CHECK(r.decay_steps == 20000);
  CHECK(r.decay_shape == DecayShape::kLinear);
  CHECK(r.final_lr_fraction == 0);
  // make_recipe plans the same WSD; its cosine ends at Hägele et al.'s 10% of the peak.
  const Recipe w = make_recipe(1e-3, 1e11, 1000000, ScheduleKind::kWsd);
  CHECK(w.schedule.final_lr_fraction == 0);
  CHECK(make_recipe(1e-3, 1e11, 1000000, ScheduleKind::kCosine).schedule.final_lr_fraction ==
        0.1);
}

TEST_CASE("critical batch: B_noise generalises McCandlish's waste", "[recipe][schedule]") {
  // E = E_min (1 + B / B_noise) relative to B*: (1 + B*/B_noise) / (1 + B/B_noise).
  CHECK(batch_data_efficiency(2e6, 1e6, 4e6) == Approx(1.25 / 1.5));
  CHECK(batch_data_efficiency(2e6, 1e6, 1e6) == Approx(batch_data_efficiency(2e6, 1e6)));
  CHECK(batch_data_efficiency(5e5, 1e6, 4e6) == 1);  // no credit below B*
  // hyperparameter-law keeps B_noise at the optimum.
  CHECK(noise_batch_tokens(CriticalBatchLaw::kHyperparameterLaw, 3e6, 1e12) == 3e6);
}

TEST_CASE("critical batch: zhang2024 grows with D and is positive everywhere", "[recipe]") {
  // The paper's finding (verified): the critical batch scales with the data, not the model. The
  // fit's constants are unverified, so only its shape is tested here.
  double previous = 0;
  for (double d : {1e6, 1e9, 3e9, 1e10, 2e10, 1e11, 1e12, 1e13, 1e15}) {
    const double noise = zhang2024_noise_batch_tokens(d);
    INFO("D = " << d);
    CHECK(std::isfinite(noise));
    CHECK(noise > previous);
    CHECK(noise >= zhang2024_critical_batch_tokens(d));  // B_noise = 5 (CBS - 307.2 sequences)
    previous = noise;
  }
  CHECK(critical_batch_extrapolation(CriticalBatchLaw::kZhang2024, 5e9) == 1);
  CHECK(critical_batch_extrapolation(CriticalBatchLaw::kZhang2024, 1e13) > 10);
  CHECK(critical_batch_extrapolation(CriticalBatchLaw::kHyperparameterLaw, 1e13) == 1);
  CHECK(parse_critical_batch_law("zhang2024") == CriticalBatchLaw::kZhang2024);
  CHECK_FALSE(parse_critical_batch_law("kaplan"));
}

TEST_CASE("check: the batch's loss cost is the law's data term at the tokens it wastes",
          "[check][schedule]") {
  // hoffmann2022 (Hoffmann et al. 2022 App. D.2: B = 410.7, beta = 0.28): the cost depends on D
  // only, B ((e D)^-beta - D^-beta), with e the data each token is worth at the run's batch
  // (printed to 3 digits in the message; McCandlish: 2 / (1 + B/B*) with B_noise = B*).
  const auto check = [](const std::string& batch) {
    const auto r = run_scaleplan(
        "-q check run.yaml --format json",
        {{"run.yaml", "run:\n  params: 1.0e9\n  tokens: 2.0e10\n  batch_tokens: " + batch +
                          "\n  gpu: H100\n  gpus: 64\n  seq_len: 2048\nmodel: {law: hoffmann2022}\n"}});
    INFO(r.err);
    REQUIRE(r.out.size() > 0);
    return finding(Json::parse(r.out), "batch_size");
  };
  const auto worth = [](const Json& f) {
    const std::string m = f["message"].get<std::string>();
    const std::size_t at = m.find("is worth ");
    REQUIRE(at != std::string::npos);
    return std::stod(m.substr(at + 9, 5));
  };
  const double d = 2e10;
  for (const char* batch : {"2097152", "8388608"}) {
    const Json f = check(batch);
    INFO(f["message"].get<std::string>());
    const double e = worth(f);
    REQUIRE(e < 1);
    CHECK(f["value"].get<double>() ==
          Approx(410.7 * (std::pow(e * d, -0.28) - std::pow(d, -0.28))).epsilon(0.01));
  }
  // At or below the optimum nothing is wasted: 0 nats, pass.
  const Json at_optimum = check("1048576");
  CHECK(at_optimum["value"].get<double>() == 0);
  CHECK(at_optimum["status"] == "pass");
  // 1.85x the optimum wastes 30% of the tokens, 2.1% of the loss: a warning (over 1%); 7.4x
  // wastes 76%, 9.3%: a failure (over 5%).
  CHECK(check("2097152")["status"] == "warn");
  CHECK(check("8388608")["status"] == "fail");
}

TEST_CASE("check: the schedule finding gives the annealing areas against the law's reference",
          "[check][schedule]") {
  const auto run = [](const std::string& schedule) {
    const auto r = run_scaleplan(
        "-q check run.yaml --format json",
        {{"run.yaml", "run:\n  params: 1.0e9\n  tokens: 2.0e10\n  gpu: H100\n  gpus: 64\n"
                      "  seq_len: 2048\n  batch_tokens: 2097152\n  schedule: " +
                          schedule + "\n"}});
    INFO(r.err);
    REQUIRE(r.out.size() > 0);
    return finding(Json::parse(r.out), "schedule");
  };
  // The reference itself: 9537 steps of 2M tokens, 20% (1907) linear to 0.
  const Json ref = run("{kind: wsd, warmup_steps: 400, decay_steps: 1907, total_steps: 9537}");
  INFO(ref["message"].get<std::string>());
  CHECK(ref["status"] == "pass");
  CHECK(ref["message"].get<std::string>().find("S1 1.000x and S2 1.000x") != std::string::npos);
  // 5% of (1 - sqrt): passes, with less annealing area than the reference.
  const Json short_sqrt = run(
      "{kind: wsd, warmup_steps: 400, decay_steps: 477, total_steps: 9537, decay_shape: "
      "one_minus_sqrt}");
  CHECK(short_sqrt["status"] == "pass");
  CHECK(short_sqrt["message"].get<std::string>().find("beats linear") != std::string::npos);
  // 2% cooldown: warned (Hägele et al.'s 5-40%).
  const Json tiny = run("{kind: wsd, warmup_steps: 400, decay_steps: 190, total_steps: 9537}");
  CHECK(tiny["status"] == "warn");
  // Cosine to 10%.
  const Json cosine = run(
      "{kind: cosine, warmup_steps: 400, decay_steps: 9137, total_steps: 9537, "
      "final_lr_fraction: 0.1}");
  CHECK(cosine["message"].get<std::string>().find("cosine to 10% of the peak") !=
        std::string::npos);
}

TEST_CASE("schedule: bad run.schedule and model.critical_batch values, word for word",
          "[schedule][bad_input]") {
  struct Case {
    const char* yaml;  // the run.schedule line (line 8 of run.yaml), or a model line
    const char* message;
  };
  const std::string head =
      "run:\n  params: 1.0e9\n  tokens: 2.0e10\n  gpu: H100\n  gpus: 64\n  seq_len: 2048\n"
      "  batch_tokens: 2097152\n";
  const Case cases[] = {
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: 1907, total_steps: 9537, "
       "decay_shape: cubic}\n",
       "scaleplan: run.yaml:8:95: run.schedule.decay_shape: unknown value 'cubic' (choose linear "
       "or one_minus_sqrt)"},
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: 1907, total_steps: 9537, "
       "final_lr_fraction: -1}\n",
       "scaleplan: run.yaml:8:101: run.schedule.final_lr_fraction: must be >= 0, got -1"},
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: 1907, total_steps: 9537, "
       "final_lr_fraction: 2}\n",
       "scaleplan: run.yaml:8:101: run.schedule.final_lr_fraction: must be <= 1, got 2"},
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: 1907, total_steps: 9537, "
       "final_lr_fraction: .nan}\n",
       "scaleplan: run.yaml:8:101: run.schedule.final_lr_fraction: must be finite, got '.nan'"},
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: 1907, total_steps: 9537, "
       "final_lr_fraction: half}\n",
       "scaleplan: run.yaml:8:101: run.schedule.final_lr_fraction: expected a number, got 'half'"},
      {"  schedule: {kind: cosine, warmup_steps: 400, decay_steps: 9137, total_steps: 9537, "
       "decay_shape: one_minus_sqrt}\n",
       "scaleplan: run.yaml:8:98: run.schedule.decay_shape: applies to kind: wsd only"},
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: 19074, total_steps: 9537}\n",
       "scaleplan: run.yaml:8:77: run.schedule.total_steps: must be at least warmup_steps + "
       "decay_steps"},
      {"  schedule: {kind: wsd, warmup_steps: 400, decay_steps: -1, total_steps: 9537}\n",
       "scaleplan: run.yaml:8:57: run.schedule.decay_steps: must be >= 0, got -1"},
      {"model: {critical_batch: kaplan2020}\n",
       "scaleplan: run.yaml:8:25: model.critical_batch: unknown value 'kaplan2020' (choose "
       "hyperparameter-law or zhang2024)"},
  };
  for (const Case& c : cases) {
    const auto r = run_scaleplan("check run.yaml", {{"run.yaml", head + c.yaml}});
    INFO(c.yaml);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err == std::string(c.message) + "\n");
  }
}

TEST_CASE("critical batch: check of plan's own run under zhang2024 raises no batch warning",
          "[check][plan][schedule]") {
  const std::string budget =
      "budget: {usd: 2.0e6, deadline_hours: 720}\nhardware: {gpu: H100-SXM, max_count: 2048}\n"
      "model: {critical_batch: zhang2024}\n";
  const auto r = run_scaleplan(
      "-q plan budget.yaml --run-file run.yaml --format json && '" SCALEPLAN_BINARY
      "' -q check run.yaml --budget budget.yaml --format json > check.json; cat check.json >&2",
      {{"budget.yaml", budget}});
  REQUIRE(r.rc == 0);
  const Json p = Json::parse(r.out);
  CHECK(p["recommendation"]["critical_batch"] == "zhang2024");
  CHECK(p["predicted"]["noise_batch_tokens"].get<double>() ==
        Approx(zhang2024_noise_batch_tokens(p["recommendation"]["tokens"].get<double>())));
  const Json c = Json::parse(r.err);
  const Json batch = finding(c, "batch_size"), schedule = finding(c, "schedule");
  INFO(batch["message"].get<std::string>() << "\n" << schedule["message"].get<std::string>());
  CHECK(batch["status"] == "pass");
  CHECK(schedule["status"] == "pass");
  CHECK(batch["message"].get<std::string>().find("Zhang et al. 2024") != std::string::npos);
  // The same loss in both: one evaluation.
  CHECK(finding(c, "loss")["value"].get<double>() ==
        Approx(p["predicted"]["loss"].get<double>()).epsilon(1e-9));
}
