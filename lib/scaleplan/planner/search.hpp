#pragma once
/// The continuous search for one discrete choice (GPU count, precision, price): over model size
/// N, each N taking the largest D its constraints allow (every cost rises with D), for the N that
/// minimises the loss or maximises another objective.

#include <functional>
#include <string>
#include <vector>

namespace scaleplan {

/// The smallest and largest runs the planner considers.
struct Domain {
  double params_min = 1e7, params_max = 1e14;
  double tokens_min = 1e8, tokens_max = 1e16;
};

/// The run at one N: its D, predicted loss and objective score (higher is better).
struct SizePoint {
  bool feasible = false;
  double params = 0, tokens = 0, loss = 0, score = 0;
  std::vector<std::string> violated;  ///< when infeasible: what the run breaks
};

struct SizeProblem {
  double params_min = 1e7, params_max = 1e14;
  std::function<SizePoint(double params)> at;
};

/// A 16-point scan over log N, then golden-section search around the best point to 1e-3 in
/// log N. Ties in score go to the lower loss. Infeasible points never win; the feasible N form
/// one interval (costs rise with N; a target loss needs a least N).
SizePoint search(const SizeProblem& problem);

/// Reference for tests: `points` values of log N on a uniform grid.
SizePoint brute_force(const SizeProblem& problem, int points);

}  // namespace scaleplan
