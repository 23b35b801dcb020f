#pragma once
/// The continuous search for one discrete choice (precision, price, GPU count): the (N, D) that
/// minimises the predicted loss under the run's constraints.

#include <functional>
#include <string>
#include <vector>

#include "scaleplan/model/law.hpp"

namespace scaleplan {

/// A constraint value(N, D) <= limit. `value` must be non-decreasing in D (every cost is).
struct Constraint {
  std::string name;  ///< the budget field it comes from, e.g. "budget.usd"
  double limit = 0;
  std::function<double(double params, double tokens)> value;
};

/// The search domain: the smallest and largest runs the planner considers.
struct Domain {
  double params_min = 1e7, params_max = 1e14;
  double tokens_min = 1e8, tokens_max = 1e16;
};

struct SearchProblem {
  LawForm law;
  double quality_params_factor = 1;  ///< predicted loss uses N_eff = factor x N
  Domain domain;
  double memory_params_max = 0;  ///< largest N allowed (memory, or serving latency)
  std::string params_cap_name = "memory";  ///< what binds when N sits at memory_params_max
  std::vector<Constraint> constraints;
};

struct SearchResult {
  bool feasible = false;
  double params = 0, tokens = 0, loss = 0;
  std::vector<std::string> binding;   ///< constraints active at the optimum
  std::vector<std::string> violated;  ///< when infeasible: what even the smallest run breaks
  double score = 0;  ///< the objective of best_along_curve (profit, -cost), else unused
};

/// Predicted loss of the problem's law at (N, D).
double objective_loss(const SearchProblem& problem, double params, double tokens);

/// NLopt SLSQP over (log N, log D) with the constraints in log form, started from the best point
/// of a coarse scan over log N (D at its largest feasible value).
SearchResult search(const SearchProblem& problem);

/// Reference for tests: `points` values of log N on a uniform grid, each with the largest
/// feasible D found by bisection.
SearchResult brute_force(const SearchProblem& problem, int points);

/// The largest D meeting every constraint at N (0 if none): the budget frontier.
double max_feasible_tokens(const SearchProblem& problem, double params);

/// For objectives other than the loss: the N in the problem's range maximising
/// score(N, tokens_at(N)) (tokens_at <= 0 or outside the constraints: not a run), by a 400-point
/// scan over log N refined by golden-section search; ties in score go to the lower loss.
SearchResult best_along_curve(const SearchProblem& problem,
                              const std::function<double(double)>& tokens_at,
                              const std::function<double(double, double)>& score);

/// Relative tolerance within which a constraint counts as binding.
inline constexpr double kBindingTolerance = 1e-4;

}  // namespace scaleplan
