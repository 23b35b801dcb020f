#include "scaleplan/planner/search.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {
namespace {

bool better(const SizePoint& a, const SizePoint& b) {
  if (!a.feasible) return false;
  if (!b.feasible) return true;
  // Scores closer than this are equal: a plan spends its budget to the D solve's precision, and
  // a dollar in a million is no reason to give up a lower loss.
  const double tie = 1e-6 * std::max(1.0, std::abs(b.score));
  if (std::abs(a.score - b.score) > tie) return a.score > b.score;
  return a.loss < b.loss;
}

constexpr int kScanPoints = 16;
constexpr double kLogTolerance = 1e-3;
constexpr double kProbeStep = 0.08;  // in log N: 8% apart
constexpr double kProbeOffsets[] = {-0.32, -0.24, -0.16, -0.08, 0.08, 0.16, 0.24, 0.32};

/// Golden-section search for the best score on [a, b] (log N), starting from `best`.
SizePoint golden(const SizeProblem& p, double a, double b, SizePoint best) {
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
  SizePoint f1 = p.at(std::exp(x1)), f2 = p.at(std::exp(x2));
  while (b - a > kLogTolerance) {
    if (better(f2, f1)) {
      a = x1, x1 = x2, f1 = f2;
      x2 = a + phi * (b - a);
      f2 = p.at(std::exp(x2));
    } else {
      b = x2, x2 = x1, f2 = f1;
      x1 = b - phi * (b - a);
      f1 = p.at(std::exp(x1));
    }
  }
  for (const SizePoint& point : {f1, f2})
    if (better(point, best)) best = point;
  return best;
}

}  // namespace

SizePoint brute_force(const SizeProblem& p, int points) {
  const double lo = std::log(p.params_min), hi = std::log(std::max(p.params_min, p.params_max));
  SizePoint best = p.at(p.params_min);
  for (int i = 1; i < points; ++i) {
    const SizePoint point = p.at(std::exp(lo + (hi - lo) * i / (points - 1)));
    if (better(point, best)) best = point;
  }
  return best;
}

SizePoint search(const SizeProblem& p) {
  const double lo = std::log(p.params_min), hi = std::log(std::max(p.params_min, p.params_max));
  const double step = (hi - lo) / (kScanPoints - 1);
  std::vector<SizePoint> scan;
  int best = 0;
  for (int i = 0; i < kScanPoints; ++i) {
    scan.push_back(p.at(std::exp(lo + step * i)));
    if (better(scan[i], scan[best])) best = i;
    if (!scan[i].feasible && scan[best].feasible) break;  // past the feasible interval of N
  }
  if (!scan[best].feasible || hi == lo) return scan[best];
  SizePoint winner = golden(p, lo + step * std::max(0, best - 1),
                            lo + step * std::min(kScanPoints - 1, best + 1), scan[best]);
  // Shapes and layouts make the score a little bumpy in N (a wider, shallower shape runs
  // faster): probe around the optimum and refine once more where a probe does better.
  const double centre = std::log(winner.params);
  SizePoint probe_best = winner;
  for (double offset : kProbeOffsets) {
    const double x = std::clamp(centre + offset, lo, hi);
    const SizePoint probe = p.at(std::exp(x));
    if (better(probe, probe_best)) probe_best = probe;
  }
  if (probe_best.params == winner.params) return winner;
  const double x = std::log(probe_best.params);
  return golden(p, std::max(lo, x - kProbeStep), std::min(hi, x + kProbeStep), probe_best);
}

}  // namespace scaleplan
