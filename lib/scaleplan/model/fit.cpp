#include "scaleplan/model/fit.hpp"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <nlopt.hpp>
#include <numbers>
#include <random>
#include <thread>

#include "scaleplan/model/data.hpp"
#include "scaleplan/model/vector_math.hpp"

namespace scaleplan {
namespace {

using Eigen::ArrayXd;

/// Points are processed in fixed-size chunks: each chunk's exponentials, logs, Huber terms and
/// gradient sums are computed in one pass over a few cache lines, instead of one pass over all
/// points per Eigen expression (measured 1.2x faster per evaluation with AVX-512; it runs ~340k
/// times per fit). Chunks of kChunk points, then of kTail (one AVX-512 packet) for the rest.
constexpr Eigen::Index kChunk = 32;
constexpr Eigen::Index kTail = 8;

/// Where the Chinchilla-family parameters sit in the optimiser's vector x: a (= log A), b, e for
/// each group when the joint fit frees them (else one shared value), then alpha and beta (one
/// exponent when tied). Without groups: x = (a, b, e, alpha, beta), Hoffmann's order.
struct FamilyLayout {
  int groups = 1;
  bool tied = false;
  JointParams joint;
  int na() const { return joint.a ? groups : 1; }
  int nb() const { return joint.b ? groups : 1; }
  int ne() const { return joint.e ? groups : 1; }
  int a(int g) const { return joint.a ? g : 0; }
  int b(int g) const { return na() + (joint.b ? g : 0); }
  int e(int g) const { return na() + nb() + (joint.e ? g : 0); }
  int alpha() const { return na() + nb() + ne(); }
  int beta() const { return tied ? alpha() : alpha() + 1; }
  int size() const { return alpha() + (tied ? 1 : 2); }
};

/// A group's points, [begin, end) in Data (a whole number of kTail), and its x indices.
struct Segment {
  Eigen::Index begin = 0, end = 0;
  int a = 0, b = 1, e = 2;
};

/// The points as arrays, each group's contiguous and padded to a whole number of kTail-chunks
/// with zero-weight points (which add nothing to the objective or its gradient).
struct Data {
  ArrayXd log_n, log_d, log_l, w;
  ArrayXd log2_n, log2_d;  ///< log_n and log_d in base 2, for exp2 (cheaper than exp)
  std::vector<Segment> segments;

  Data(const std::vector<FitPoint>& points, const FamilyLayout& layout) {
    std::vector<Eigen::Index> counts(static_cast<std::size_t>(layout.groups), 0);
    const auto group = [&](const FitPoint& p) {
      return static_cast<std::size_t>(p.group >= 0 && p.group < layout.groups ? p.group : 0);
    };
    for (const FitPoint& p : points) ++counts[group(p)];
    Eigen::Index total = 0;
    for (int g = 0; g < layout.groups; ++g) {
      const Eigen::Index n = counts[static_cast<std::size_t>(g)];
      if (n == 0) continue;
      const Eigen::Index padded = (n + kTail - 1) / kTail * kTail;
      segments.push_back({total, total + padded, layout.a(g), layout.b(g), layout.e(g)});
      total += padded;
    }
    log_n = log_d = log_l = w = ArrayXd::Zero(total);
    std::vector<Eigen::Index> next(static_cast<std::size_t>(layout.groups), 0);
    {
      Eigen::Index offset = 0;
      for (int g = 0; g < layout.groups; ++g) {
        next[static_cast<std::size_t>(g)] = offset;
        const Eigen::Index n = counts[static_cast<std::size_t>(g)];
        offset += (n + kTail - 1) / kTail * kTail;
      }
    }
    for (const FitPoint& p : points) {
      const Eigen::Index i = next[group(p)]++;
      log_n[i] = p.log_params;
      log_d[i] = p.log_tokens;
      log_l[i] = p.log_loss;
      w[i] = p.weight;
    }
    log2_n = log_n * std::numbers::log2e;
    log2_d = log_d * std::numbers::log2e;
  }
};

/// The objective the optimiser minimises over x, on fixed points.
class Model {
 public:
  virtual ~Model() = default;
  /// The objective at x; its gradient into grad when not null.
  virtual double value(const double* x, double* grad) const = 0;
};

/// The Chinchilla objective's running sums: the weighted Huber losses and the gradient.
struct ChinchillaSums {
  double value = 0, a = 0, b = 0, e = 0, alpha = 0, beta = 0;
};

/// The parameters as the kernel uses them (see FamilyModel::value).
struct ChinchillaTerms {
  double m, a2, b2, e3, alpha, beta, delta;
};

/// Adds the terms of points [begin, end) to `sums`, kSize points at a time (end - begin must be
/// a multiple of kSize).
template <Eigen::Index kSize>
void add_chinchilla_terms(const Data& d, const ChinchillaTerms& t, Eigen::Index begin,
                          Eigen::Index end, ChinchillaSums& sums) {
  using Block = Eigen::Array<double, kSize, 1>;
  const double delta = t.delta;
  Block value = Block::Zero(), g_a = value, g_b = value, g_e = value, g_alpha = value,
        g_beta = value;
  for (Eigen::Index i = begin; i < end; i += kSize) {
    const Block w = d.w.template segment<kSize>(i);
    const Block e1 =
        (t.a2 - t.alpha * d.log2_n.template segment<kSize>(i)).unaryExpr(vector_math::Exp2{});
    const Block e2 =
        (t.b2 - t.beta * d.log2_d.template segment<kSize>(i)).unaryExpr(vector_math::Exp2{});
    const Block sum = e1 + e2 + t.e3;
    const Block r = t.m + sum.unaryExpr(vector_math::Log{}) - d.log_l.template segment<kSize>(i);
    // With c = clamp(r, -delta, delta) = Huber'(r), Huber(r) = c (r - c/2) in both branches.
    const Block c = r.max(-delta).min(delta);
    value += w * c * (r - 0.5 * c);
    // d r / d(a, b, e) are the softmax weights e_k / sum.
    const Block dr = w * c / sum, d1 = dr * e1, d2 = dr * e2;
    g_a += d1;
    g_b += d2;
    g_e += dr;
    g_alpha -= d1 * d.log_n.template segment<kSize>(i);
    g_beta -= d2 * d.log_d.template segment<kSize>(i);
  }
  sums.value += value.sum();
  sums.a += g_a.sum();
  sums.b += g_b.sum();
  sums.e += t.e3 * g_e.sum();
  sums.alpha += g_alpha.sum();
  sums.beta += g_beta.sum();
}

/// Sum of weighted Huber losses of the log-space residuals of the Chinchilla form, its
/// equal-exponent and joint variants, and the gradient.
class FamilyModel final : public Model {
 public:
  FamilyModel(const std::vector<FitPoint>& points, const FamilyLayout& layout, double delta)
      : data_(points, layout), layout_(layout), delta_(delta) {}

  double value(const double* x, double* grad) const override {
    if (grad) std::fill(grad, grad + layout_.size(), 0.0);
    double total = 0;
    for (const Segment& s : data_.segments) {
      // Hoffmann et al. 2022, App. D.2: log L = LSE(a - alpha log N, b - beta log D, e).
      // Shift by m = max(a, b, e) (the log terms are >= 0), so no exponential overflows.
      // e^t = 2^(t log2(e)): the exponentials are taken in base 2, which SLEEF computes faster.
      const double a = x[s.a], b = x[s.b], e = x[s.e];
      const double m = std::max({a, b, e});
      const ChinchillaTerms terms{.m = m,
                                  .a2 = (a - m) * std::numbers::log2e,
                                  .b2 = (b - m) * std::numbers::log2e,
                                  .e3 = std::exp(e - m),
                                  .alpha = x[layout_.alpha()],
                                  .beta = x[layout_.beta()],
                                  .delta = delta_};
      ChinchillaSums sums;
      const Eigen::Index whole = s.begin + (s.end - s.begin) / kChunk * kChunk;
      add_chinchilla_terms<kChunk>(data_, terms, s.begin, whole, sums);
      add_chinchilla_terms<kTail>(data_, terms, whole, s.end, sums);
      total += sums.value;
      if (grad) {
        grad[s.a] += sums.a;
        grad[s.b] += sums.b;
        grad[s.e] += sums.e;
        grad[layout_.alpha()] += sums.alpha;
        grad[layout_.beta()] += sums.beta;
      }
    }
    return total;
  }

 private:
  Data data_;
  FamilyLayout layout_;
  double delta_;
};

/// The Kaplan objective's running sums: the weighted Huber losses and the gradient.
struct KaplanSums {
  double value = 0, log_nc = 0, log_dc = 0, alpha_n = 0, alpha_d = 0;
};

/// As add_chinchilla_terms, for the Kaplan form (x as in KaplanModel).
template <Eigen::Index kSize>
void add_kaplan_terms(const Data& d, const double* x, double delta, Eigen::Index begin,
                      Eigen::Index end, KaplanSums& sums) {
  using Block = Eigen::Array<double, kSize, 1>;
  const double ratio = x[2] / x[3];
  Block value = Block::Zero(), g_nc = value, g_dc = value, g_alpha_n = value, g_alpha_d = value;
  for (Eigen::Index i = begin; i < end; i += kSize) {
    const Block w = d.w.template segment<kSize>(i);
    const Block log_nc_over_n = x[0] - d.log_n.template segment<kSize>(i);
    const Block u1 = ratio * log_nc_over_n, u2 = x[1] - d.log_d.template segment<kSize>(i);
    const Block m = u1.max(u2);
    const Block e1 = ((u1 - m) * std::numbers::log2e).unaryExpr(vector_math::Exp2{});
    const Block e2 = ((u2 - m) * std::numbers::log2e).unaryExpr(vector_math::Exp2{});
    const Block sum = e1 + e2;
    const Block lse = m + sum.unaryExpr(vector_math::Log{});
    const Block r = x[3] * lse - d.log_l.template segment<kSize>(i);
    const Block c = r.max(-delta).min(delta);  // Huber'(r); Huber(r) = c (r - c/2)
    value += w * c * (r - 0.5 * c);
    const Block dr = w * c, s1 = e1 / sum, s2 = e2 / sum;
    g_nc += dr * s1;
    g_dc += dr * s2;
    g_alpha_n += dr * s1 * log_nc_over_n;
    g_alpha_d += dr * (lse - s1 * u1);
  }
  sums.value += value.sum();
  sums.log_nc += x[2] * g_nc.sum();
  sums.log_dc += x[3] * g_dc.sum();
  sums.alpha_n += g_alpha_n.sum();
  sums.alpha_d += g_alpha_d.sum();
}

/// Kaplan et al. 2020, Eq. 1.5 in logs: log L = alpha_D LSE(u1, u2),
/// u1 = (alpha_N/alpha_D)(log N_c - log N), u2 = log D_c - log D; x = (log N_c, log D_c,
/// alpha_N, alpha_D).
class KaplanModel final : public Model {
 public:
  KaplanModel(const std::vector<FitPoint>& points, double delta)
      : data_(points, FamilyLayout{}), delta_(delta) {}

  double value(const double* x, double* grad) const override {
    KaplanSums sums;
    for (const Segment& s : data_.segments) {
      const Eigen::Index whole = s.begin + (s.end - s.begin) / kChunk * kChunk;
      add_kaplan_terms<kChunk>(data_, x, delta_, s.begin, whole, sums);
      add_kaplan_terms<kTail>(data_, x, delta_, whole, s.end, sums);
    }
    if (grad) {
      grad[0] = sums.log_nc;
      grad[1] = sums.log_dc;
      grad[2] = sums.alpha_n;
      grad[3] = sums.alpha_d;
    }
    return sums.value;
  }

 private:
  Data data_;
  double delta_;
};

/// Loss against compute: log L = LSE(a - alpha log C, e); x = (a, e, alpha). Scalar (the form
/// is cheap and not the benchmarked one).
class ComputeModel final : public Model {
 public:
  ComputeModel(const std::vector<FitPoint>& points, double delta)
      : points_(points), delta_(delta) {}

  double value(const double* x, double* grad) const override {
    double total = 0, g_a = 0, g_e = 0, g_alpha = 0;
    for (const FitPoint& p : points_) {
      const double t1 = x[0] - x[2] * p.log_flops, t2 = x[1];
      const double m = std::max(t1, t2);
      const double e1 = std::exp(t1 - m), e2 = std::exp(t2 - m), sum = e1 + e2;
      const double r = m + std::log(sum) - p.log_loss;
      const double c = std::clamp(r, -delta_, delta_);
      total += p.weight * c * (r - 0.5 * c);
      const double dr = p.weight * c / sum;
      g_a += dr * e1;
      g_e += dr * e2;
      g_alpha -= dr * e1 * p.log_flops;
    }
    if (grad) {
      grad[0] = g_a;
      grad[1] = g_e;
      grad[2] = g_alpha;
    }
    return total;
  }

 private:
  std::vector<FitPoint> points_;
  double delta_;
};

/// Muennighoff et al. 2023's second stage: R_D* and R_N* with the base law fixed (their Eq.
/// 16-17); x = (log R_D*, log R_N*).
class DecayModel final : public Model {
 public:
  DecayModel(const std::vector<FitPoint>& points, const ChinchillaLaw& base, double delta)
      : base_(base), delta_(delta) {
    for (const FitPoint& p : points) {
      Row r;
      const double n = std::exp(p.log_params), d = std::exp(p.log_tokens);
      r.u_d = unique_data(d, p.unique_tokens);
      r.r_d = data_repetitions(d, p.unique_tokens);
      r.u_n = unique_params(base, n, r.u_d);
      r.r_n = excess_params(n, r.u_n);
      r.log_loss = p.log_loss;
      r.weight = p.weight;
      rows_.push_back(r);
    }
  }

  double value(const double* x, double* grad) const override {
    const double rd_star = std::exp(x[0]), rn_star = std::exp(x[1]);
    double total = 0, g_d = 0, g_n = 0;
    for (const Row& r : rows_) {
      // D' = U (1 + R* (1 - e^-q)), q = R/R*; dD'/dR* = U (1 - e^-q - q e^-q).
      const double qd = r.r_d / rd_star, qn = r.r_n / rn_star;
      const double ed = std::exp(-qd), en = std::exp(-qn);
      const double d_eff = r.u_d * (1 + rd_star * (1 - ed));
      const double n_eff = r.u_n * (1 + rn_star * (1 - en));
      const double term_n = base_.a / std::pow(n_eff, base_.alpha);
      const double term_d = base_.b / std::pow(d_eff, base_.beta);
      const double l = base_.e + term_n + term_d;
      const double res = std::log(l) - r.log_loss;
      const double c = std::clamp(res, -delta_, delta_);
      total += r.weight * c * (res - 0.5 * c);
      const double dr = r.weight * c / l;
      g_d += dr * -base_.beta * term_d / d_eff * r.u_d * (1 - ed - qd * ed) * rd_star;
      g_n += dr * -base_.alpha * term_n / n_eff * r.u_n * (1 - en - qn * en) * rn_star;
    }
    if (grad) {
      grad[0] = g_d;
      grad[1] = g_n;
    }
    return total;
  }

 private:
  struct Row {
    double u_d, r_d, u_n, r_n, log_loss, weight;
  };
  std::vector<Row> rows_;
  ChinchillaLaw base_;
  double delta_;
};

/// A form's parameter space, independent of the points.
struct Spec {
  std::vector<double> lower, upper;
  std::vector<std::string> names;
  std::function<std::unique_ptr<Model>(const std::vector<FitPoint>&)> model;
  std::function<std::vector<double>(const LawForm&)> to_x;         ///< a start, same in every group
  std::function<LawForm(const std::vector<double>&, int)> from_x;  ///< the law of a group
};

FamilyLayout family_layout(const FitOptions& o) {
  FamilyLayout l;
  l.groups = std::max(1, o.groups);
  l.tied = o.form != FitForm::kChinchilla;
  l.joint = l.groups > 1 ? o.joint : JointParams{false, false, false};
  return l;
}

Spec family_spec(const FitOptions& o) {
  const FamilyLayout l = family_layout(o);
  const double inf = HUGE_VAL;
  Spec s;
  s.lower.assign(static_cast<std::size_t>(l.size()), -inf);
  s.upper.assign(static_cast<std::size_t>(l.size()), inf);
  s.names.resize(static_cast<std::size_t>(l.size()));
  // (Names built by append: GCC 12 at -O3 warns falsely of -Wrestrict for "A" + suffix.)
  const auto name = [&](const char* base, bool per_group, int g) {
    std::string n(base);
    if (per_group && l.groups > 1) n.append("[").append(std::to_string(g)).append("]");
    return n;
  };
  for (int g = 0; g < l.groups; ++g) {
    s.names[static_cast<std::size_t>(l.a(g))] = name("A", l.joint.a, g);
    s.names[static_cast<std::size_t>(l.b(g))] = name("B", l.joint.b, g);
    s.names[static_cast<std::size_t>(l.e(g))] = name("E", l.joint.e, g);
  }
  for (int i : {l.alpha(), l.beta()}) {
    s.lower[static_cast<std::size_t>(i)] = 0;
    s.upper[static_cast<std::size_t>(i)] = o.exponent_max;
  }
  s.names[static_cast<std::size_t>(l.alpha())] = l.tied ? "alpha=beta" : "alpha";
  if (!l.tied) s.names[static_cast<std::size_t>(l.beta())] = "beta";
  const double delta = o.huber_delta;
  s.model = [l, delta](const std::vector<FitPoint>& p) {
    return std::make_unique<FamilyModel>(p, l, delta);
  };
  s.to_x = [l](const LawForm& form) {
    const ChinchillaLaw c = as_chinchilla(form).value_or(ChinchillaLaw{1, 1, 1, 0.5, 0.5});
    std::vector<double> x(static_cast<std::size_t>(l.size()));
    for (int g = 0; g < l.groups; ++g) {
      x[static_cast<std::size_t>(l.a(g))] = std::log(c.a);
      x[static_cast<std::size_t>(l.b(g))] = std::log(c.b);
      x[static_cast<std::size_t>(l.e(g))] = std::log(c.e);
    }
    x[static_cast<std::size_t>(l.alpha())] = c.alpha;
    x[static_cast<std::size_t>(l.beta())] = l.tied ? c.alpha : c.beta;
    return x;
  };
  const FitForm form = o.form;
  s.from_x = [l, form](const std::vector<double>& x, int g) -> LawForm {
    const ChinchillaLaw c{std::exp(x[static_cast<std::size_t>(l.e(g))]),
                          std::exp(x[static_cast<std::size_t>(l.a(g))]),
                          std::exp(x[static_cast<std::size_t>(l.b(g))]),
                          x[static_cast<std::size_t>(l.alpha())],
                          x[static_cast<std::size_t>(l.beta())]};
    if (form == FitForm::kGadre) return to_overtraining(c);
    return c;
  };
  return s;
}

Spec kaplan_spec(const FitOptions& o) {
  Spec s;
  s.lower = {-HUGE_VAL, -HUGE_VAL, 1e-4, 1e-4};
  s.upper = {HUGE_VAL, HUGE_VAL, o.exponent_max, o.exponent_max};
  s.names = {"N_c", "D_c", "alpha_N", "alpha_D"};
  const double delta = o.huber_delta;
  s.model = [delta](const std::vector<FitPoint>& p) {
    return std::make_unique<KaplanModel>(p, delta);
  };
  s.to_x = [](const LawForm& form) {
    const auto& k = std::get<KaplanLaw>(form);
    return std::vector<double>{std::log(k.n_c), std::log(k.d_c), k.alpha_n, k.alpha_d};
  };
  s.from_x = [](const std::vector<double>& x, int) -> LawForm {
    return KaplanLaw{std::exp(x[0]), std::exp(x[1]), x[2], x[3]};
  };
  return s;
}

Spec compute_spec(const FitOptions& o) {
  Spec s;
  s.lower = {-HUGE_VAL, -HUGE_VAL, 0};
  s.upper = {HUGE_VAL, HUGE_VAL, o.exponent_max};
  s.names = {"A", "E", "alpha"};
  const double delta = o.huber_delta;
  s.model = [delta](const std::vector<FitPoint>& p) {
    return std::make_unique<ComputeModel>(p, delta);
  };
  s.to_x = [](const LawForm& form) {
    const auto& c = std::get<ComputeLaw>(form);
    return std::vector<double>{std::log(c.a), std::log(c.e), c.alpha};
  };
  s.from_x = [](const std::vector<double>& x, int) -> LawForm {
    return ComputeLaw{std::exp(x[1]), std::exp(x[0]), x[2]};
  };
  return s;
}

Spec decay_spec(const FitOptions& o, const ChinchillaLaw& base) {
  Spec s;
  // R* in [1e-3, 1e4] epochs / multiples: beyond them the decay is all or nothing.
  s.lower = {std::log(1e-3), std::log(1e-3)};
  s.upper = {std::log(1e4), std::log(1e4)};
  s.names = {"R_D_star", "R_N_star"};
  const double delta = o.huber_delta;
  s.model = [base, delta](const std::vector<FitPoint>& p) {
    return std::make_unique<DecayModel>(p, base, delta);
  };
  s.to_x = [](const LawForm& form) {
    const auto& d = std::get<DataConstrainedLaw>(form);
    return std::vector<double>{std::log(d.r_d_star), std::log(d.r_n_star)};
  };
  s.from_x = [base](const std::vector<double>& x, int) -> LawForm {
    return DataConstrainedLaw{base, std::exp(x[0]), std::exp(x[1])};
  };
  return s;
}

Spec make_spec(const FitOptions& o) {
  switch (o.form) {
    case FitForm::kKaplan:
      return kaplan_spec(o);
    case FitForm::kCompute:
      return compute_spec(o);
    default:
      return family_spec(o);
  }
}

struct Problem {
  const Model* model;
};

// NLopt's C-style callback (no copies of x and the gradient per evaluation); grad may be null.
double nlopt_objective(unsigned /*n*/, const double* x, double* grad, void* p) {
  return static_cast<const Problem*>(p)->model->value(x, grad);
}

struct StartResult {
  std::vector<double> x;
  double value = HUGE_VAL;
};

StartResult run_lbfgs(const Model& model, const Spec& spec, std::vector<double> x) {
  nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(x.size()));
  opt.set_lower_bounds(spec.lower);
  opt.set_upper_bounds(spec.upper);
  Problem problem{&model};
  opt.set_min_objective(nlopt_objective, &problem);
  opt.set_ftol_rel(1e-9);
  opt.set_xtol_rel(1e-8);
  opt.set_maxeval(2000);
  opt.set_vector_storage(6);  // L-BFGS pairs: 5-10 measured equally fast, 4 slower
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i], spec.lower[i], spec.upper[i]);
  double value = HUGE_VAL;
  try {
    opt.optimize(x, value);
  } catch (const std::exception&) {
    value = model.value(x.data(), nullptr);  // keep where it stopped
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
  for (int t = 1; t < std::max(1, std::min(threads, count)); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

std::vector<StartResult> run_starts(const Model& model, const Spec& spec,
                                    const std::vector<std::vector<double>>& starts,
                                    const FitOptions& o, int progress_offset, int progress_total) {
  std::vector<StartResult> results(starts.size());
  std::atomic<int> done{0};
  parallel_for(static_cast<int>(starts.size()), o.threads, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    results[k] = run_lbfgs(model, spec, starts[k]);
    const int n = ++done;
    if (o.progress) o.progress(progress_offset + n, progress_total);
  });
  return results;
}

/// Evenly spaced points: the (j + 1/2) n / count-th of each j.
std::vector<FitPoint> subsample(const std::vector<FitPoint>& points, int count) {
  std::vector<FitPoint> out;
  out.reserve(static_cast<std::size_t>(count));
  const double step = static_cast<double>(points.size()) / count;
  for (int j = 0; j < count; ++j) out.push_back(points[static_cast<std::size_t>((j + 0.5) * step)]);
  return out;
}

/// True when x and y are the same end point (every coordinate within 1% of the larger of 1 and
/// its size).
bool same_point(const std::vector<double>& x, const std::vector<double>& y) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::abs(x[i] - y[i]) > 1e-2 * std::max(1.0, std::abs(y[i]))) return false;
  return true;
}

/// Condition number of the Hessian of `model` at x over the coordinates off their bounds, by
/// central differences of the gradient; 0 when it is not positive definite.
double hessian_condition(const Model& model, const Spec& spec, const std::vector<double>& x) {
  std::vector<std::size_t> free;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i] > spec.lower[i] + 1e-6 && x[i] < spec.upper[i] - 1e-6) free.push_back(i);
  if (free.empty()) return 0;
  const auto n = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd h(n, n);
  std::vector<double> plus(x.size()), minus(x.size()), xp = x, xm = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    const std::size_t k = free[static_cast<std::size_t>(j)];
    const double step = 1e-5 * std::max(1.0, std::abs(x[k]));
    xp[k] = x[k] + step;
    xm[k] = x[k] - step;
    model.value(xp.data(), plus.data());
    model.value(xm.data(), minus.data());
    xp[k] = xm[k] = x[k];
    for (Eigen::Index i = 0; i < n; ++i) {
      const std::size_t r = free[static_cast<std::size_t>(i)];
      h(i, j) = (plus[r] - minus[r]) / (2 * step);
    }
  }
  const Eigen::MatrixXd sym = (h + h.transpose()) / 2;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(sym, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd ev = solver.eigenvalues();
  if (solver.info() != Eigen::Success || !(ev.minCoeff() > 0)) return 0;
  return ev.maxCoeff() / ev.minCoeff();
}

/// Weights scaled to mean 1 (first by the largest, so 1e308 weights cannot overflow the sum).
std::vector<FitPoint> normalised(std::vector<FitPoint> points) {
  double largest = 0;
  for (const FitPoint& p : points) largest = std::max(largest, p.weight);
  if (!(largest > 0) || !std::isfinite(largest)) return points;
  double sum = 0;
  for (FitPoint& p : points) sum += (p.weight /= largest);
  const double mean = sum / static_cast<double>(points.size());
  for (FitPoint& p : points) p.weight /= mean;
  return points;
}

/// Every start, then the best wins: on all the points, or (large inputs) on a subsample with
/// the best distinct end points refined on all of them.
FitResult multistart(const std::vector<FitPoint>& points, const FitOptions& o, const Spec& spec,
                     const std::vector<std::vector<double>>& starts) {
  FitResult fit;
  fit.starts = static_cast<int>(starts.size());
  const std::unique_ptr<Model> model = spec.model(points);
  const bool screen = !o.all_starts && o.screen_points > 0 &&
                      points.size() > static_cast<std::size_t>(o.screen_points) &&
                      starts.size() > static_cast<std::size_t>(kRefinedStarts);
  std::vector<StartResult> results;
  StartResult best;
  if (!screen) {
    results = run_starts(*model, spec, starts, o, 0, fit.starts);
  } else {
    fit.screen_points = o.screen_points;
    const std::unique_ptr<Model> small = spec.model(subsample(points, o.screen_points));
    results = run_starts(*small, spec, starts, o, 0, fit.starts + kRefinedStarts);
    std::vector<std::size_t> order(results.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return results[a].value < results[b].value;
    });
    std::vector<std::vector<double>> chosen;
    for (std::size_t i : order) {
      if (!std::isfinite(results[i].value) || static_cast<int>(chosen.size()) == kRefinedStarts)
        break;
      if (std::none_of(chosen.begin(), chosen.end(),
                       [&](const auto& c) { return same_point(results[i].x, c); }))
        chosen.push_back(results[i].x);
    }
    fit.refined = static_cast<int>(chosen.size());
    const std::vector<StartResult> refined =
        run_starts(*model, spec, chosen, o, fit.starts, fit.starts + kRefinedStarts);
    for (const StartResult& r : refined)
      if (r.value < best.value) best = r;
  }
  double screen_best = HUGE_VAL;
  for (const StartResult& r : results) screen_best = std::min(screen_best, r.value);
  if (!screen)
    for (const StartResult& r : results)
      if (r.value < best.value) best = r;
  if (!std::isfinite(best.value) || best.x.empty()) {
    fit.failure =
        "no start gave a finite objective (check that losses and weights are finite "
        "and positive)";
    return fit;
  }
  for (const StartResult& r : results)
    if (r.value <= screen_best * (1 + 1e-6)) ++fit.starts_at_best;
  fit.x = best.x;
  fit.objective = best.value;
  for (int g = 0; g < std::max(1, o.groups); ++g) fit.group_laws.push_back(spec.from_x(best.x, g));
  fit.law = fit.group_laws.front();
  for (std::size_t i = 0; i < best.x.size(); ++i) {
    const double lo = spec.lower[i], hi = spec.upper[i], v = best.x[i];
    if (std::abs(v - lo) < 1e-6 || std::abs(v - hi) < 1e-6)
      fit.at_bound.push_back(spec.names[i]);
    else if ((std::isfinite(lo) && v - lo < 0.01) || (std::isfinite(hi) && hi - v < 0.01))
      fit.near_bound.push_back(spec.names[i]);
  }
  if (o.diagnostics) fit.hessian_condition = hessian_condition(*model, spec, best.x);
  return fit;
}

/// The decay constants' grid (stage 2 of muennighoff2023): R_D*, R_N* in {1, 5, 15, 50}.
std::vector<std::vector<double>> decay_grid() {
  std::vector<std::vector<double>> grid;
  for (double rd : {1.0, 5.0, 15.0, 50.0})
    for (double rn : {1.0, 5.0, 15.0, 50.0}) grid.push_back({std::log(rd), std::log(rn)});
  return grid;
}

/// Muennighoff et al. 2023, App. A-B: the equal-exponent base on the single-epoch points, then
/// R_D* and R_N* with the base fixed on all of them.
FitResult fit_data_constrained(const std::vector<FitPoint>& points, const FitOptions& o,
                               const std::vector<LawForm>& starts) {
  std::vector<FitPoint> single_epoch;
  for (const FitPoint& p : points)
    if (p.unique_tokens <= 0 || std::exp(p.log_tokens) <= p.unique_tokens * (1 + 1e-9))
      single_epoch.push_back(p);
  FitResult fit;
  if (single_epoch.size() < 4) {
    fit.failure =
        "muennighoff2023 fits its base law on single-epoch rows (tokens <= "
        "unique_tokens) and found " +
        std::to_string(single_epoch.size()) + "; it needs at least 4";
    return fit;
  }
  FitOptions base_options = o;
  base_options.form = FitForm::kEqualExponent;
  const Spec base_spec = family_spec(base_options);
  std::vector<std::vector<double>> base_starts, decay_starts;
  for (const LawForm& s : starts) {
    base_starts.push_back(base_spec.to_x(s));
    if (std::holds_alternative<DataConstrainedLaw>(s)) {
      const auto& d = std::get<DataConstrainedLaw>(s);
      decay_starts.push_back({std::log(d.r_d_star), std::log(d.r_n_star)});
    }
  }
  FitOptions stage = o;
  stage.groups = 1;
  const FitResult base = multistart(single_epoch, stage, base_spec, base_starts);
  if (!base.failure.empty()) return base;
  const ChinchillaLaw base_law = std::get<ChinchillaLaw>(base.law);
  if (decay_starts.empty()) decay_starts = decay_grid();
  fit = multistart(points, stage, decay_spec(o, base_law), decay_starts);
  fit.starts += base.starts;
  fit.starts_at_best = base.starts_at_best;
  fit.screen_points = base.screen_points;
  fit.refined = base.refined;
  for (const std::string& b : base.at_bound) fit.at_bound.push_back(b);
  for (const std::string& b : base.near_bound) fit.near_bound.push_back(b);
  fit.hessian_condition = std::max(fit.hessian_condition, base.hessian_condition);
  return fit;
}

FitResult fit_from_x(const std::vector<FitPoint>& points, const FitOptions& o,
                     const std::vector<std::vector<double>>& starts) {
  return multistart(points, o, make_spec(o), starts);
}

}  // namespace

int fit_parameter_count(const FitOptions& options) {
  switch (options.form) {
    case FitForm::kKaplan:
      return 4;
    case FitForm::kCompute:
      return 3;
    case FitForm::kMuennighoff:
      return 6;
    default:
      return family_layout(options).size();
  }
}

double huber(double r, double delta) {
  const double a = std::abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

double fit_objective(const std::vector<FitPoint>& points, const FitOptions& options,
                     const LawForm& law) {
  if (const auto* d = std::get_if<DataConstrainedLaw>(&law)) {
    const Spec s = decay_spec(options, d->base);
    return s.model(points)->value(s.to_x(law).data(), nullptr);
  }
  FitOptions single = options;
  single.groups = 1;
  const Spec s = make_spec(single);
  std::vector<FitPoint> one_group = points;
  for (FitPoint& p : one_group) p.group = 0;
  return s.model(one_group)->value(s.to_x(law).data(), nullptr);
}

std::vector<LawForm> initial_grid(FitForm form) {
  std::vector<LawForm> grid;
  switch (form) {
    case FitForm::kChinchilla:
      for (double alpha = 0; alpha <= 2; alpha += 0.5)
        for (double beta = 0; beta <= 2; beta += 0.5)
          for (double e = -1; e <= 1; e += 0.5)
            for (double a = 0; a <= 25; a += 5)
              for (double b = 0; b <= 25; b += 5)
                grid.push_back(ChinchillaLaw{std::exp(e), std::exp(a), std::exp(b), alpha, beta});
      break;
    case FitForm::kEqualExponent:
    case FitForm::kGadre:
    case FitForm::kMuennighoff:
      for (double alpha = 0; alpha <= 2; alpha += 0.5)
        for (double e = -1; e <= 1; e += 0.5)
          for (double a = 0; a <= 25; a += 5)
            for (double b = 0; b <= 25; b += 5)
              grid.push_back(ChinchillaLaw{std::exp(e), std::exp(a), std::exp(b), alpha, alpha});
      break;
    case FitForm::kKaplan:
      for (double log_nc : {20.0, 25.0, 30.0, 35.0})
        for (double log_dc : {20.0, 25.0, 30.0, 35.0})
          for (double alpha_n : {0.05, 0.1, 0.2, 0.4})
            for (double alpha_d : {0.05, 0.1, 0.2, 0.4})
              grid.push_back(KaplanLaw{std::exp(log_nc), std::exp(log_dc), alpha_n, alpha_d});
      break;
    case FitForm::kCompute:
      for (double alpha : {0.0, 0.05, 0.1, 0.2, 0.4, 0.8})
        for (double a = 0; a <= 40; a += 5)
          for (double e = -1; e <= 1; e += 0.5)
            grid.push_back(ComputeLaw{std::exp(e), std::exp(a), alpha});
      break;
  }
  return grid;
}

FitResult fit_law(const std::vector<FitPoint>& points, const FitOptions& options,
                  const std::vector<LawForm>& starts) {
  const std::vector<FitPoint> normal = normalised(points);
  if (options.form == FitForm::kMuennighoff) return fit_data_constrained(normal, options, starts);
  const Spec spec = make_spec(options);
  std::vector<std::vector<double>> x;
  x.reserve(starts.size());
  for (const LawForm& s : starts) x.push_back(spec.to_x(s));
  return multistart(normal, options, spec, x);
}

std::vector<std::vector<LawForm>> bootstrap_fits(const std::vector<FitPoint>& points,
                                                 const FitOptions& options, const FitResult& start,
                                                 int samples, std::uint64_t seed,
                                                 const std::function<void(int)>& progress) {
  // Runs are resampled within each joint-fit group, so every sample keeps every group.
  int runs = 0;
  for (const FitPoint& p : points) runs = std::max(runs, p.run + 1);
  std::vector<std::vector<FitPoint>> by_run(static_cast<std::size_t>(runs));
  std::vector<int> group_of(static_cast<std::size_t>(runs), 0);
  for (const FitPoint& p : points) {
    by_run[static_cast<std::size_t>(p.run)].push_back(p);
    group_of[static_cast<std::size_t>(p.run)] = p.group;
  }
  std::vector<std::vector<int>> runs_of_group(
      static_cast<std::size_t>(std::max(1, options.groups)));
  for (int r = 0; r < runs; ++r)
    if (!by_run[static_cast<std::size_t>(r)].empty())
      runs_of_group[static_cast<std::size_t>(group_of[static_cast<std::size_t>(r)])].push_back(r);

  std::vector<std::vector<LawForm>> fits(static_cast<std::size_t>(samples), start.group_laws);
  std::atomic<int> done{0};
  FitOptions one = options;
  one.threads = 1;
  one.progress = {};
  one.diagnostics = false;
  parallel_for(samples, options.threads, [&](int i) {
    std::mt19937_64 rng(seed + static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL);
    // A run drawn k times enters once with k times its weight: the same objective (a weighted
    // sum) over ~37% fewer points than repeating its rows.
    std::vector<int> draws(static_cast<std::size_t>(runs), 0);
    for (const std::vector<int>& group : runs_of_group) {
      if (group.empty()) continue;
      std::uniform_int_distribution<int> pick(0, static_cast<int>(group.size()) - 1);
      for (std::size_t r = 0; r < group.size(); ++r)
        ++draws[static_cast<std::size_t>(group[static_cast<std::size_t>(pick(rng))])];
    }
    std::vector<FitPoint> resampled;
    for (std::size_t r = 0; r < draws.size(); ++r) {
      if (draws[r] == 0) continue;
      for (FitPoint p : by_run[r]) {
        p.weight *= draws[r];
        resampled.push_back(p);
      }
    }
    const FitResult f = options.form == FitForm::kMuennighoff || start.x.empty()
                            ? fit_law(resampled, one, {start.law})
                            : fit_from_x(normalised(std::move(resampled)), one, {start.x});
    if (f.failure.empty()) fits[static_cast<std::size_t>(i)] = f.group_laws;
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
