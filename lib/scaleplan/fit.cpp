#include "scaleplan/fit.hpp"

#include <Eigen/Core>
#include <nlopt.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <thread>

namespace scaleplan {
namespace {

using Eigen::ArrayXd;

/// The points as arrays, for vectorised evaluation.
struct Data {
  ArrayXd log_n, log_d, log_l, w;
  explicit Data(const std::vector<FitPoint>& points)
      : log_n(static_cast<Eigen::Index>(points.size())), log_d(log_n.size()),
        log_l(log_n.size()), w(log_n.size()) {
    for (Eigen::Index i = 0; i < log_n.size(); ++i) {
      const FitPoint& p = points[static_cast<std::size_t>(i)];
      log_n[i] = p.log_params;
      log_d[i] = p.log_tokens;
      log_l[i] = p.log_loss;
      w[i] = p.weight;
    }
  }
};

// Parameter vectors: Chinchilla x = (a, b, e, alpha, beta) with A = e^a, B = e^b, E = e^e;
// Kaplan x = (log N_c, log D_c, alpha_N, alpha_D).
std::vector<double> to_vector(const LawForm& law) {
  if (const auto* c = std::get_if<ChinchillaLaw>(&law))
    return {std::log(c->a), std::log(c->b), std::log(c->e), c->alpha, c->beta};
  const auto& k = std::get<KaplanLaw>(law);
  return {std::log(k.n_c), std::log(k.d_c), k.alpha_n, k.alpha_d};
}

LawForm from_vector(FitForm form, const std::vector<double>& x) {
  if (form == FitForm::kChinchilla)
    return ChinchillaLaw{std::exp(x[2]), std::exp(x[0]), std::exp(x[1]), x[3], x[4]};
  return KaplanLaw{std::exp(x[0]), std::exp(x[1]), x[2], x[3]};
}

/// Scratch arrays reused across evaluations (no allocation in the L-BFGS loop).
struct Workspace {
  ArrayXd e1, e2, sum, r, dr;
};

/// Huber'(r) (clamped residual) and the weighted Huber loss of the residuals in ws.r.
double huber_terms(const Data& d, double delta, Workspace& ws) {
  const double value =
      (d.w * (ws.r.abs() <= delta).select(0.5 * ws.r.square(), delta * (ws.r.abs() - 0.5 * delta)))
          .sum();
  ws.dr = d.w * ws.r.max(-delta).min(delta);
  return value;
}

/// Sum of weighted Huber losses of the log-space residuals, and its gradient.
double objective(const Data& d, const FitOptions& o, const std::vector<double>& x,
                 std::vector<double>* grad, Workspace& ws) {
  if (o.form == FitForm::kChinchilla) {
    // Hoffmann et al. 2022, App. D.2: log L = LSE(a - alpha log N, b - beta log D, e).
    // Shift by m = max(a, b, e) (the log terms are >= 0), so no exponential overflows.
    const double m = std::max({x[0], x[1], x[2]});
    ws.e1 = (x[0] - m - x[3] * d.log_n).exp();
    ws.e2 = (x[1] - m - x[4] * d.log_d).exp();
    const double e3 = std::exp(x[2] - m);
    ws.sum = ws.e1 + ws.e2 + e3;
    ws.r = m + ws.sum.log() - d.log_l;
    const double value = huber_terms(d, o.huber_delta, ws);
    if (grad) {
      ws.dr /= ws.sum;  // Huber'(r) x softmax denominators
      auto& g = *grad;
      g[0] = (ws.dr * ws.e1).sum();
      g[1] = (ws.dr * ws.e2).sum();
      g[2] = e3 * ws.dr.sum();
      g[3] = -(ws.dr * ws.e1 * d.log_n).sum();
      g[4] = -(ws.dr * ws.e2 * d.log_d).sum();
    }
    return value;
  }
  // Kaplan et al. 2020, Eq. 1.5 in logs: log L = alpha_D LSE(u1, u2),
  // u1 = (alpha_N/alpha_D)(log N_c - log N), u2 = log D_c - log D.
  const double ratio = x[2] / x[3];
  const ArrayXd u1 = ratio * (x[0] - d.log_n), u2 = x[1] - d.log_d;
  const ArrayXd m = u1.max(u2);
  ws.e1 = (u1 - m).exp();
  ws.e2 = (u2 - m).exp();
  ws.sum = ws.e1 + ws.e2;
  const ArrayXd lse = m + ws.sum.log();
  ws.r = x[3] * lse - d.log_l;
  const double value = huber_terms(d, o.huber_delta, ws);
  if (grad) {
    const ArrayXd s1 = ws.e1 / ws.sum, s2 = ws.e2 / ws.sum;
    auto& g = *grad;
    g[0] = x[2] * (ws.dr * s1).sum();
    g[1] = x[3] * (ws.dr * s2).sum();
    g[2] = (ws.dr * s1 * (x[0] - d.log_n)).sum();
    g[3] = (ws.dr * (lse - s1 * u1)).sum();
  }
  return value;
}

struct Problem {
  const Data* data;
  const FitOptions* options;
  Workspace workspace;
};

double nlopt_objective(const std::vector<double>& x, std::vector<double>& grad, void* p) {
  auto* problem = static_cast<Problem*>(p);
  return objective(*problem->data, *problem->options, x, grad.empty() ? nullptr : &grad,
                   problem->workspace);
}

struct Bounds {
  std::vector<double> lower, upper;
  std::vector<std::string> names;
};

Bounds bounds(const FitOptions& o) {
  const double inf = HUGE_VAL;
  if (o.form == FitForm::kChinchilla)
    return {{-inf, -inf, -inf, 0, 0},
            {inf, inf, inf, o.exponent_max, o.exponent_max},
            {"A", "B", "E", "alpha", "beta"}};
  return {{-inf, -inf, 1e-4, 1e-4},
          {inf, inf, o.exponent_max, o.exponent_max},
          {"N_c", "D_c", "alpha_N", "alpha_D"}};
}

struct StartResult {
  std::vector<double> x;
  double value = HUGE_VAL;
};

StartResult run_lbfgs(const Data& data, const FitOptions& options, std::vector<double> x) {
  const Bounds b = bounds(options);
  nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(x.size()));
  opt.set_lower_bounds(b.lower);
  opt.set_upper_bounds(b.upper);
  Problem problem{&data, &options, {}};
  opt.set_min_objective(nlopt_objective, &problem);
  opt.set_ftol_rel(1e-9);
  opt.set_xtol_rel(1e-8);
  opt.set_maxeval(2000);
  opt.set_vector_storage(5);  // 5 pairs suffice for 5 parameters; NLopt's default 10 costs more
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i], b.lower[i], b.upper[i]);
  double value = HUGE_VAL;
  try {
    opt.optimize(x, value);
  } catch (const std::exception&) {
    value = objective(data, options, x, nullptr, problem.workspace);  // keep where it stopped
  }
  if (!std::isfinite(value)) return {};
  return {x, value};
}

/// Runs `count` jobs over `threads` threads; job(i) for i in [0, count).
void parallel_for(int count, int threads, const std::function<void(int)>& job) {
  std::atomic<int> next{0};
  const auto worker = [&] {
    for (int i = next++; i < count; i = next++) job(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace

double huber(double r, double delta) {
  const double a = std::abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

double fit_objective(const std::vector<FitPoint>& points, const FitOptions& options,
                     const LawForm& law) {
  Workspace ws;
  return objective(Data(points), options, to_vector(law), nullptr, ws);
}

std::vector<LawForm> initial_grid(FitForm form) {
  std::vector<LawForm> grid;
  if (form == FitForm::kChinchilla) {
    for (double alpha = 0; alpha <= 2; alpha += 0.5)
      for (double beta = 0; beta <= 2; beta += 0.5)
        for (double e = -1; e <= 1; e += 0.5)
          for (double a = 0; a <= 25; a += 5)
            for (double b = 0; b <= 25; b += 5)
              grid.push_back(from_vector(form, {a, b, e, alpha, beta}));
  } else {
    for (double log_nc : {20.0, 25.0, 30.0, 35.0})
      for (double log_dc : {20.0, 25.0, 30.0, 35.0})
        for (double alpha_n : {0.05, 0.1, 0.2, 0.4})
          for (double alpha_d : {0.05, 0.1, 0.2, 0.4})
            grid.push_back(from_vector(form, {log_nc, log_dc, alpha_n, alpha_d}));
  }
  return grid;
}

FitResult fit_law(const std::vector<FitPoint>& points, const FitOptions& options,
                  const std::vector<LawForm>& starts) {
  const Data data(points);
  std::vector<StartResult> results(starts.size());
  parallel_for(static_cast<int>(starts.size()), options.threads, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    results[k] = run_lbfgs(data, options, to_vector(starts[k]));
  });
  const auto best = std::min_element(results.begin(), results.end(),
                                     [](const auto& a, const auto& b) { return a.value < b.value; });
  FitResult fit;
  fit.starts = static_cast<int>(starts.size());
  fit.objective = best->value;
  fit.law = from_vector(options.form, best->x);
  for (const StartResult& r : results)
    if (r.value <= best->value * (1 + 1e-6)) ++fit.starts_at_best;
  const Bounds b = bounds(options);
  for (std::size_t i = 0; i < best->x.size(); ++i)
    if (std::abs(best->x[i] - b.lower[i]) < 1e-6 || std::abs(best->x[i] - b.upper[i]) < 1e-6)
      fit.at_bound.push_back(b.names[i]);
  return fit;
}

std::vector<LawForm> bootstrap_fits(const std::vector<FitPoint>& points, const FitOptions& options,
                                    const LawForm& start, int samples, std::uint64_t seed,
                                    const std::function<void(int)>& progress) {
  int runs = 0;
  for (const FitPoint& p : points) runs = std::max(runs, p.run + 1);
  std::vector<std::vector<FitPoint>> by_run(static_cast<std::size_t>(runs));
  for (const FitPoint& p : points) by_run[static_cast<std::size_t>(p.run)].push_back(p);

  std::vector<LawForm> fits(static_cast<std::size_t>(samples), start);
  std::atomic<int> done{0};
  parallel_for(samples, options.threads, [&](int i) {
    std::mt19937_64 rng(seed + static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL);
    std::uniform_int_distribution<int> pick(0, runs - 1);
    std::vector<FitPoint> resampled;
    for (int r = 0; r < runs; ++r) {
      const auto& rows = by_run[static_cast<std::size_t>(pick(rng))];
      resampled.insert(resampled.end(), rows.begin(), rows.end());
    }
    FitOptions one = options;
    one.threads = 1;
    fits[static_cast<std::size_t>(i)] = fit_law(resampled, one, {start}).law;
    const int n = ++done;
    if (progress) progress(n);
  });
  return fits;
}

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace scaleplan
