#include "scaleplan/planner/search.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "scaleplan/model/law.hpp"

using namespace scaleplan;

namespace {

const ChinchillaLaw kHoffmann{1.69, 406.4, 410.7, 0.34, 0.28};

/// C = 6ND: at each N the largest D is C / 6N, capped by `unique_tokens`.
SizeProblem flops_problem(double flops, double unique_tokens = INFINITY) {
  SizeProblem p;
  p.at = [=](double n) {
    SizePoint s;
    s.params = n;
    s.tokens = std::min(flops / (6 * n), unique_tokens);
    s.feasible = s.tokens >= 1e8;
    if (!s.feasible) s.violated = {"budget.flops"};
    s.loss = loss(kHoffmann, n, s.tokens);
    s.score = -s.loss;
    return s;
  };
  return p;
}

}  // namespace

TEST_CASE("search: finds the Eq. 4 optimum under C = 6ND across budgets", "[search]") {
  for (double c : {1e19, 1e21, 5.76e23, 1e25}) {
    INFO("C = " << c);
    const SizePoint r = search(flops_problem(c));
    const Allocation exact = chinchilla_compute_optimal(kHoffmann, c);
    REQUIRE(r.feasible);
    CHECK(r.params == Approx(exact.params).epsilon(2e-3));  // 1e-3 in log N
    CHECK(r.loss == Approx(exact.loss).epsilon(1e-7));
  }
}

TEST_CASE("search: agrees with brute force when a cap bounds N", "[search]") {
  SizeProblem p = flops_problem(1e24);
  p.params_max = 5e9;
  const SizePoint r = search(p), b = brute_force(p, 5000);
  CHECK(r.params == Approx(5e9).epsilon(2e-3));
  CHECK(r.loss == Approx(b.loss).epsilon(1e-6));
}

TEST_CASE("search: a data cap makes N grow past the compute-optimal size", "[search]") {
  const SizePoint free = search(flops_problem(1e24));
  const SizeProblem capped_problem = flops_problem(1e24, free.tokens / 4);
  const SizePoint capped = search(capped_problem);
  CHECK(capped.tokens == Approx(free.tokens / 4).epsilon(1e-9));
  CHECK(capped.params > free.params);
  CHECK(capped.loss > free.loss);
  const SizePoint b = brute_force(capped_problem, 5000);
  CHECK(capped.loss <= b.loss * (1 + 1e-6));
  CHECK(capped.loss == Approx(b.loss).epsilon(1e-4));
}

TEST_CASE("search: infeasible problems name what the smallest run breaks", "[search]") {
  const SizePoint r = search(flops_problem(1e10));  // below 6 x 1e7 x 1e8
  CHECK_FALSE(r.feasible);
  CHECK(r.violated == std::vector<std::string>{"budget.flops"});
}

TEST_CASE("search: a higher score wins over a lower loss, ties go to the lower loss",
          "[search]") {
  SizeProblem p;
  p.params_min = 1e8;
  p.params_max = 1e10;
  // Score peaks at N = 1e9; loss falls with N throughout.
  p.at = [](double n) {
    return SizePoint{true, n, 1e12, 3 - std::log10(n) / 10, -std::pow(std::log10(n) - 9, 2), {}};
  };
  const SizePoint r = search(p);
  CHECK(r.params == Approx(1e9).epsilon(1e-2));
  p.at = [](double n) { return SizePoint{true, n, 1e12, 3 - std::log10(n) / 10, 0, {}}; };
  CHECK(search(p).params == Approx(1e10).epsilon(1e-9));  // flat score: the lowest loss
}
