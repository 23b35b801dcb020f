#include "scaleplan/planner/search.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace scaleplan;

namespace {

SearchProblem flops_problem(double flops) {
  SearchProblem p;
  p.law = ChinchillaLaw{1.69, 406.4, 410.7, 0.34, 0.28};
  p.memory_params_max = 1e20;
  p.constraints.push_back({"budget.flops", flops, [](double n, double d) { return 6 * n * d; }});
  return p;
}

}  // namespace

TEST_CASE("search: finds the Eq. 4 optimum under C = 6ND across budgets", "[search]") {
  for (double c : {1e19, 1e21, 5.76e23, 1e25}) {
    INFO("C = " << c);
    const SearchResult r = search(flops_problem(c));
    const Allocation exact =
        chinchilla_compute_optimal(ChinchillaLaw{1.69, 406.4, 410.7, 0.34, 0.28}, c);
    REQUIRE(r.feasible);
    CHECK(r.params == Approx(exact.params).epsilon(1e-4));
    CHECK(r.tokens == Approx(exact.tokens).epsilon(1e-4));
    CHECK(r.binding == std::vector<std::string>{"budget.flops"});
  }
}

TEST_CASE("search: agrees with brute force when memory caps N", "[search]") {
  SearchProblem p = flops_problem(1e24);
  p.memory_params_max = 5e9;
  const SearchResult r = search(p);
  const SearchResult b = brute_force(p, 5000);
  CHECK(r.params == Approx(5e9).epsilon(1e-9));
  CHECK(r.loss <= b.loss * (1 + 1e-12));
  CHECK(r.loss == Approx(b.loss).epsilon(1e-5));
  CHECK(r.binding == std::vector<std::string>{"budget.flops", "memory"});
}

TEST_CASE("search: a data cap makes N grow past the compute-optimal size", "[search]") {
  SearchProblem p = flops_problem(1e24);
  const SearchResult free = search(p);
  p.constraints.push_back({"data.unique_tokens", free.tokens / 4, [](double, double d) { return d; }});
  const SearchResult capped = search(p);
  CHECK(capped.tokens == Approx(free.tokens / 4).epsilon(1e-9));
  CHECK(capped.params > free.params);
  CHECK(capped.loss > free.loss);
  const SearchResult b = brute_force(p, 5000);
  CHECK(capped.loss <= b.loss * (1 + 1e-12));  // the grid is coarser than SLSQP's answer
  CHECK(capped.loss == Approx(b.loss).epsilon(1e-4));
}

TEST_CASE("search: infeasible problems name what the smallest run breaks", "[search]") {
  SearchProblem p = flops_problem(1e10);  // below 6 x 1e7 x 1e8
  const SearchResult r = search(p);
  CHECK_FALSE(r.feasible);
  CHECK(r.violated == std::vector<std::string>{"budget.flops"});
  p = flops_problem(1e24);
  p.memory_params_max = 1e6;
  CHECK(search(p).violated == std::vector<std::string>{"memory"});
}
