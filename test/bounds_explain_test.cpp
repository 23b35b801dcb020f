// Bounds on N, D and D/N in a budget, and `explain`: what binds and what relaxing it buys
// (issue 16, acceptance 2 and 3).

#include <catch2/catch.hpp>

#include <algorithm>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/planner/check.hpp"
#include "scaleplan/planner/plan.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;
using scaleplan::test::preset;

namespace {

Budget budget_yaml(const std::string& text) { return parse_budget(text, "b.yaml"); }

Plan plan_for(const Budget& b, const std::string& law = kDefaultLaw) {
  return make_plan(b, *find_gpu(table(), b.gpu), preset(law));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string error_of(const std::string& text) {
  try {
    parse_budget(text, "b.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Story (a) of issue 16: a startup with $50k and up to 64 A100s for two weeks wants 1-3B.
const char* kStoryA = R"(
budget: {usd: 5.0e4, deadline_hours: 336}
hardware: {gpu: A100-80GB, max_count: 64, price_usd_per_gpu_hour: 1.8}
)";

}  // namespace

TEST_CASE("bounds: story (a) with model.params max 3e9 plans at most 3B and names the bound",
          "[bounds]") {
  const Plan free = plan_for(budget_yaml(kStoryA));
  REQUIRE(free.run.params > 3e9);  // unbounded, the budget buys a larger model
  const Plan p = plan_for(budget_yaml(std::string(kStoryA) + "model: {params: {max: 3.0e9}}\n"));
  CHECK(p.run.params <= 3e9);
  CHECK(p.run.params >= 3e9 * (1 - kCapBindingFraction));
  CHECK(contains(p.binding, "model.params.max"));
  CHECK(p.evaluation.loss >= free.evaluation.loss);  // a bound never buys a lower loss
  for (const std::string& w : p.warnings) CHECK(w.find("edge of the search domain") == std::string::npos);
}

TEST_CASE("bounds: a minimum on N, a fixed N, and bounds on D and D/N hold", "[bounds]") {
  const std::string base = kStoryA;
  const Plan free = plan_for(budget_yaml(base));
  SECTION("model.params min above the free optimum") {
    const double min = free.run.params * 2;
    const Plan p = plan_for(budget_yaml(base + "model: {params: {min: " + std::to_string(min) + "}}\n"));
    CHECK(p.run.params >= min);
    CHECK(contains(p.binding, "model.params.min"));
  }
  SECTION("a fixed model.params is met within 5%") {
    const Plan p = plan_for(budget_yaml(base + "model: {params: 1.0e9}\n"));
    CHECK(p.run.params >= 0.95e9);
    CHECK(p.run.params <= 1.05e9);
  }
  SECTION("data.tokens max") {
    const double max = free.run.tokens / 3;
    const Plan p = plan_for(budget_yaml(base + "data: {tokens: {max: " + std::to_string(max) + "}}\n"));
    CHECK(p.run.tokens <= max * (1 + 1e-12));
    CHECK(contains(p.binding, "data.tokens.max"));
  }
  SECTION("data.tokens_per_param min 200 and max 10 (the free plan is near 20)") {
    const Plan lo = plan_for(budget_yaml(base + "data: {tokens_per_param: {min: 200}}\n"));
    CHECK(lo.run.tokens / lo.run.params >= 200);
    CHECK(contains(lo.binding, "data.tokens_per_param.min"));
    const Plan hi = plan_for(budget_yaml(base + "data: {tokens_per_param: {max: 10}}\n"));
    CHECK(hi.run.tokens / hi.run.params <= 10 * (1 + 1e-9));
    // Near the kink the concrete shape that wins may sit a little under the bound (its layout
    // runs faster), so the bound need not be at its limit; it must hold and cost loss.
    CHECK(hi.evaluation.loss >= free.evaluation.loss);
  }
  SECTION("data.tokens_per_param as one value holds the ratio (hostile-input finding D10)") {
    // Read as min = max exactly, the search (which approaches a bound from inside) found no run.
    for (const char* ratio : {"20", "200", "2"}) {
      INFO(ratio);
      const Plan p = plan_for(budget_yaml(base + "data: {tokens_per_param: " + ratio + "}\n"));
      CHECK(p.run.tokens / p.run.params == Approx(std::stod(ratio)).epsilon(2e-6));
    }
    // ... as does {min: r, max: r}, the same value written as a range (hostile finding H6).
    const Plan p = plan_for(budget_yaml(base + "data: {tokens_per_param: {min: 20, max: 20}}\n"));
    CHECK(p.run.tokens / p.run.params == Approx(20).epsilon(2e-6));
  }
}

TEST_CASE("bounds: a bound no run meets exits as infeasible naming it", "[bounds]") {
  // 1e12 params cannot be trained on 1e6 tokens per parameter... nor on $50k.
  const Budget b = budget_yaml(std::string(kStoryA) + "model: {params: {min: 1.0e12}}\n");
  try {
    plan_for(b);
    FAIL("expected InfeasibleError");
  } catch (const InfeasibleError& e) {
    const std::string what = e.what();
    CHECK(what.find("no run meets the constraints: ") == 0);
    CHECK(what.find("memory") != std::string::npos);
  }
}

TEST_CASE("bounds: malformed bounds get one line naming the field", "[bounds]") {
  const std::string head = "budget: {usd: 1e5}\nhardware: {gpu: H100, max_count: 8}\n";
  CHECK(error_of(head + "model: {params: {min: 3e9, max: 1e9}}\n") ==
        "b.yaml:3:23: model.params.min: is above max (3e+09 > 1e+09)");
  CHECK(error_of(head + "model: {params: {}}\n") == "b.yaml:3:17: model.params: give min, max or both");
  CHECK(error_of(head + "data: {tokens: {mni: 1e9}}\n") ==
        "b.yaml:3:17: data.tokens.mni: unknown key (did you mean 'min'?)");
  CHECK(error_of(head + "data: {tokens_per_param: -3}\n") ==
        "b.yaml:3:26: data.tokens_per_param: must be > 0, got -3");
  CHECK(error_of(head + "model: {params: {max: .nan}}\n") ==
        "b.yaml:3:23: model.params.max: must be finite, got '.nan'");
}

TEST_CASE("check: a run outside the budget's bounds fails the bounds finding", "[bounds][check]") {
  Budget b = budget_yaml(std::string(kStoryA) + "model: {params: {max: 3.0e9}}\n");
  const Plan p = plan_for(b);
  b.params_bounds.max = p.run.params / 2;  // the same run against a tighter bound
  ProposedRun run;
  run.params = p.run.params;
  run.shape = p.run.shape;
  run.tokens = p.run.tokens;
  run.gpu = b.gpu;
  run.gpus = p.run.gpus;
  run.precision = p.run.precision;
  run.context = b;
  const CheckReport report =
      check_run(run, *find_gpu(table(), b.gpu), preset(kDefaultLaw), b, CheckThresholds{});
  const auto f = std::find_if(report.findings.begin(), report.findings.end(),
                              [](const Finding& x) { return x.name == "bounds"; });
  REQUIRE(f != report.findings.end());
  CHECK(f->status == Status::kFail);
  CHECK(f->message.find("breaks model.params.max: ") == 0);
}

TEST_CASE("explain: the marginal of 10% more budget equals re-solving the whole plan by hand",
          "[explain]") {
  for (const char* text : {R"(
budget: {usd: 2.0e6, deadline_hours: 720}
hardware: {gpu: H100-SXM, max_count: 2048}
model: {precisions: [bf16, fp8]}
)",
                           R"(
budget: {gpu_hours: 2.0e5}
hardware: {gpu: H200, count: 512}
)"}) {
    const Budget b = budget_yaml(text);
    const Gpu& gpu = *find_gpu(table(), b.gpu);
    const Law law = preset(kDefaultLaw);
    const Plan p = make_plan(b, gpu, law);
    const Explanation x = explain(b, gpu, law, p);
    const std::string field(budget_field(b.kind));
    const auto m = std::find_if(x.marginals.begin(), x.marginals.end(),
                                [&](const Marginal& y) { return y.constraint == field; });
    REQUIRE(m != x.marginals.end());
    Budget more = b;
    more.amount *= 1.1;
    const Plan by_hand = make_plan(more, gpu, law);  // every precision, price and GPU count
    CHECK(m->feasible);
    CHECK(m->relaxed_limit == Approx(more.amount));
    CHECK(m->loss == Approx(by_hand.evaluation.loss).epsilon(1e-9));
    CHECK(m->loss_gained == Approx(p.evaluation.loss - by_hand.evaluation.loss).epsilon(1e-6));
    CHECK(m->loss_gained > 0);  // more money buys a lower loss
    CHECK(x.spent == Approx(x.limit).epsilon(1e-4));
    CHECK_FALSE(x.reasons.empty());
  }
}

TEST_CASE("explain: each binding constraint gets a reason; GPUs at the maximum get a marginal",
          "[explain]") {
  const Budget b = budget_yaml(std::string(kStoryA) + "model: {params: {max: 3.0e9}}\n");
  const Gpu& gpu = *find_gpu(table(), b.gpu);
  const Law law = preset(kDefaultLaw);
  const Plan p = make_plan(b, gpu, law);
  const Explanation x = explain(b, gpu, law, p);
  CHECK(x.reasons.size() >= p.binding.size());
  std::vector<std::string> priced;
  for (const Marginal& m : x.marginals) priced.push_back(m.constraint);
  CHECK(contains(priced, "model.params.max"));
  CHECK(contains(priced, "hardware.max_count"));
  for (const Marginal& m : x.marginals) {
    INFO(m.constraint);
    CHECK(m.feasible);
    CHECK(m.loss_gained >= -1e-9);  // relaxing a constraint never makes the best run worse
  }
  // What doubling the model bound buys matches a plan with the bound doubled.
  Budget relaxed = b;
  relaxed.params_bounds.max = 6e9;
  const auto m = std::find_if(x.marginals.begin(), x.marginals.end(),
                              [](const Marginal& y) { return y.constraint == "model.params.max"; });
  CHECK(m->loss == Approx(make_plan(relaxed, gpu, law).evaluation.loss).epsilon(1e-9));
}

TEST_CASE("explain: relaxing never makes the best run worse, even where the re-solve's narrower "
          "counts move the no-deadline speed tie-break or force a fixed count up",
          "[explain]") {
  // Found by hostile input: without a deadline the planner takes the fastest count within
  // kLossTieFraction of the best loss; the x2-GPUs re-solve saw only {64, 128, 256}, anchored the
  // window on 64's loss and took 128 (+0.0012 loss). A fixed count x2 was forced to 2 x count
  // ($10 on 2 H100s: +0.0022). A wider params domain (min halved) let the search land lower.
  for (const char* text : {
           "budget: {usd: 1e4}\nhardware: {gpu: H100, max_count: 64, pricing: cheapest}\n"
           "data: {tokens: {max: 1e11}}\n",
           "budget: {usd: 10}\nhardware: {gpu: H100, count: 1}\n",
           "budget: {usd: 1e4}\nhardware: {gpu: A100-80GB, count: 8, pricing: spot}\n"
           "model: {params: {max: 1e8}}\ndata: {unique_tokens: 1e9}\n",
           "budget: {gpu_hours: 1e5, deadline_hours: 1}\nhardware: {gpu: H100, max_count: 100000}\n"
           "model: {params: {min: 1e11}}\ndata: {unique_tokens: 1e11}\n"}) {
    INFO(text);
    const Budget b = budget_yaml(text);
    const Gpu& gpu = *find_gpu(table(), b.gpu);
    const Law law = preset("hoffmann2022");
    const Plan p = make_plan(b, gpu, law);
    const Explanation x = explain(b, gpu, law, p);
    REQUIRE_FALSE(x.marginals.empty());
    for (const Marginal& m : x.marginals) {
      INFO(m.constraint << " " << m.change);
      CHECK(m.feasible);
      CHECK(m.loss_gained >= 0);
      CHECK(m.loss <= p.evaluation.loss);
      CHECK(m.gpus > 0);
    }
  }
  // A fixed count relaxed x2 may keep its count: 1 H100 beats 2 for $10.
  const Budget b = budget_yaml("budget: {usd: 10}\nhardware: {gpu: H100, count: 1}\n");
  const Gpu& gpu = *find_gpu(table(), b.gpu);
  const Law law = preset("hoffmann2022");
  const Plan p = make_plan(b, gpu, law);
  const Explanation x = explain(b, gpu, law, p);
  const auto m = std::find_if(x.marginals.begin(), x.marginals.end(),
                              [](const Marginal& y) { return y.constraint == "hardware.count"; });
  REQUIRE(m != x.marginals.end());
  CHECK(m->relaxed_limit == 2);
  CHECK(m->gpus == 1);
  CHECK(m->loss_gained == 0);
}
