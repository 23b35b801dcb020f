#include "scaleplan/planner/search.hpp"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <functional>

namespace scaleplan {
namespace {

double params_upper(const SearchProblem& p) {
  return std::min(p.domain.params_max, p.memory_params_max);
}

bool feasible(const SearchProblem& p, double params, double tokens, double tolerance = 0) {
  for (const Constraint& c : p.constraints)
    if (c.value(params, tokens) > c.limit * (1 + tolerance)) return false;
  return true;
}

/// The largest D in the domain meeting every constraint at N (bisection in log D); 0 if none.
double max_tokens(const SearchProblem& p, double params) {
  double lo = p.domain.tokens_min, hi = p.domain.tokens_max;
  if (!feasible(p, params, lo)) return 0;
  if (feasible(p, params, hi)) return hi;
  // Costs are usually proportional to D: try the D at which the tightest one would meet its
  // limit if it were; bisect only when that guess is off (a cost that is not linear in D).
  double guess = hi;
  for (const Constraint& c : p.constraints) {
    const double value = c.value(params, lo);
    if (value > 0) guess = std::min(guess, lo * c.limit / value * (1 - 1e-12));
  }
  if (guess >= lo && feasible(p, params, guess) && !feasible(p, params, guess * (1 + 1e-9)))
    return guess;
  for (int i = 0; i < 100 && hi / lo > 1 + 1e-13; ++i) {
    const double mid = std::sqrt(lo * hi);
    (feasible(p, params, mid) ? lo : hi) = mid;
  }
  return lo;
}

std::vector<std::string> binding_at(const SearchProblem& p, double params, double tokens) {
  std::vector<std::string> names;
  for (const Constraint& c : p.constraints)
    if (c.value(params, tokens) >= c.limit * (1 - kBindingTolerance)) names.push_back(c.name);
  if (p.memory_params_max <= p.domain.params_max &&
      params >= p.memory_params_max * (1 - kBindingTolerance))
    names.push_back(p.params_cap_name);
  return names;
}

SearchResult result_at(const SearchProblem& p, double params, double tokens) {
  return {true, params, tokens, objective_loss(p, params, tokens), binding_at(p, params, tokens),
          {}};
}

SearchResult infeasible(const SearchProblem& p) {
  SearchResult r;
  const double n = p.domain.params_min, d = p.domain.tokens_min;
  if (p.memory_params_max < n) r.violated.push_back(p.params_cap_name);
  for (const Constraint& c : p.constraints)
    if (c.value(n, d) > c.limit) r.violated.push_back(c.name);
  return r;
}

struct NloptData {
  const SearchProblem* problem;
  const Constraint* constraint;  // null for the objective
};

// Log-space evaluation: x = (log N, log D).
double nlopt_objective(const std::vector<double>& x, std::vector<double>& grad, void* data) {
  const auto* p = static_cast<NloptData*>(data)->problem;
  const double n = std::exp(x[0]) * p->quality_params_factor, d = std::exp(x[1]);
  if (!grad.empty()) {
    const LogGradient g = loss_log_gradient(p->law, n, d);
    grad[0] = g.d_log_params;
    grad[1] = g.d_log_tokens;
  }
  return loss(p->law, n, d);
}

// log(value / limit) <= 0; gradient by central differences (the cost models are smooth).
double nlopt_constraint(const std::vector<double>& x, std::vector<double>& grad, void* data) {
  const Constraint& c = *static_cast<NloptData*>(data)->constraint;
  const auto f = [&](double log_n, double log_d) {
    return std::log(c.value(std::exp(log_n), std::exp(log_d)) / c.limit);
  };
  if (!grad.empty()) {
    constexpr double kStep = 1e-6;
    grad[0] = (f(x[0] + kStep, x[1]) - f(x[0] - kStep, x[1])) / (2 * kStep);
    grad[1] = (f(x[0], x[1] + kStep) - f(x[0], x[1] - kStep)) / (2 * kStep);
  }
  return f(x[0], x[1]);
}

}  // namespace

double max_feasible_tokens(const SearchProblem& problem, double params) {
  return max_tokens(problem, params);
}

SearchResult best_along_curve(const SearchProblem& p,
                              const std::function<double(double)>& tokens_at,
                              const std::function<double(double, double)>& score) {
  const double lo = std::log(p.domain.params_min), hi = std::log(params_upper(p));
  if (hi < lo) return infeasible(p);
  const auto evaluate = [&](double log_n, double* loss_out) {
    const double n = std::exp(log_n), d = tokens_at(n);
    if (!(d >= p.domain.tokens_min) || !(d <= p.domain.tokens_max) || !feasible(p, n, d, 1e-12))
      return -HUGE_VAL;
    if (loss_out) *loss_out = objective_loss(p, n, d);
    return score(n, d);
  };
  constexpr int kPoints = 400;
  int best = -1;
  double best_score = -HUGE_VAL, best_loss = HUGE_VAL;
  for (int i = 0; i < kPoints; ++i) {
    double l = HUGE_VAL;
    const double s = evaluate(lo + (hi - lo) * i / (kPoints - 1), &l);
    if (s == -HUGE_VAL) continue;
    const bool tie = std::abs(s - best_score) <= 1e-9 * std::max(1.0, std::abs(best_score));
    if (best < 0 || (!tie && s > best_score) || (tie && l < best_loss)) {
      best = i, best_score = s, best_loss = l;
    }
  }
  if (best < 0) return infeasible(p);
  // Golden-section refinement between the best point's neighbours.
  const double step = (hi - lo) / (kPoints - 1);
  double a = lo + step * std::max(0, best - 1), b = lo + step * std::min(kPoints - 1, best + 1);
  double x = lo + step * best;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 60 && b - a > 1e-10; ++i) {
    const double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
    if (evaluate(x1, nullptr) >= evaluate(x2, nullptr)) b = x2;
    else a = x1;
  }
  const double refined = (a + b) / 2;
  double l = HUGE_VAL;
  if (evaluate(refined, &l) > best_score + 1e-9 * std::max(1.0, std::abs(best_score))) x = refined;
  const double n = std::exp(x), d = tokens_at(n);
  SearchResult r = result_at(p, n, d);
  r.score = score(n, d);
  return r;
}

double objective_loss(const SearchProblem& problem, double params, double tokens) {
  return loss(problem.law, params * problem.quality_params_factor, tokens);
}

SearchResult brute_force(const SearchProblem& p, int points) {
  const double lo = std::log(p.domain.params_min), hi = std::log(params_upper(p));
  SearchResult best;
  if (hi < lo) return infeasible(p);
  for (int i = 0; i < points; ++i) {
    const double n = std::exp(points == 1 ? lo : lo + (hi - lo) * i / (points - 1));
    const double d = max_tokens(p, n);
    if (d <= 0) continue;
    const double l = objective_loss(p, n, d);
    if (!best.feasible || l < best.loss) best = {true, n, d, l, {}, {}};
  }
  if (!best.feasible) return infeasible(p);
  return result_at(p, best.params, best.tokens);
}

SearchResult search(const SearchProblem& p) {
  constexpr int kScanPoints = 48;
  const SearchResult start = brute_force(p, kScanPoints);
  if (!start.feasible) return start;

  nlopt::opt opt(nlopt::LD_SLSQP, 2);
  opt.set_lower_bounds({std::log(p.domain.params_min), std::log(p.domain.tokens_min)});
  opt.set_upper_bounds({std::log(params_upper(p)), std::log(p.domain.tokens_max)});
  NloptData objective{&p, nullptr};
  opt.set_min_objective(nlopt_objective, &objective);
  std::vector<NloptData> constraint_data;
  constraint_data.reserve(p.constraints.size());
  for (const Constraint& c : p.constraints) {
    constraint_data.push_back({&p, &c});
    opt.add_inequality_constraint(nlopt_constraint, &constraint_data.back(), 1e-12);
  }
  opt.set_xtol_rel(1e-12);
  opt.set_ftol_rel(1e-14);
  opt.set_maxeval(500);

  std::vector<double> x = {std::log(start.params), std::log(start.tokens)};
  double value = 0;
  try {
    opt.optimize(x, value);
  } catch (const std::exception&) {
    return start;  // solver trouble (roundoff, failure): the scan's point stands
  }
  // Loss falls with D, so at SLSQP's N the best D is the largest feasible one; this also pulls
  // back a point that ends a hair outside a constraint.
  const double n = std::exp(x[0]), d = max_tokens(p, n);
  if (d <= 0) return start;
  const SearchResult polished = result_at(p, n, d);
  return polished.loss <= start.loss ? polished : start;
}

}  // namespace scaleplan
