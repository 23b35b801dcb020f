#include "scaleplan/io/fit_report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/law_yaml.hpp"

namespace scaleplan {
namespace {

/// Named values of a fit: the form's parameters, plus the compute-optimal exponents
/// a = beta/(alpha+beta), b = alpha/(alpha+beta) for the Chinchilla form (Hoffmann et al. Eq. 4).
std::vector<std::pair<std::string, double>> named_values(const LawForm& law) {
  std::vector<std::pair<std::string, double>> out;
  const auto names = law_param_names(law);
  const auto values = law_param_values(law);
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], values[i]);
  if (const auto* c = std::get_if<ChinchillaLaw>(&law)) {
    out.emplace_back("a", c->beta / (c->alpha + c->beta));
    out.emplace_back("b", c->alpha / (c->alpha + c->beta));
  }
  return out;
}

Tree params_tree(const LawForm& law) {
  Tree t = Tree::object();
  const auto names = law_param_names(law);
  const auto values = law_param_values(law);
  for (std::size_t i = 0; i < names.size(); ++i) t[names[i]] = values[i];
  return t;
}

std::string form_label(FitForm f) {
  switch (f) {
    case FitForm::kChinchilla:
      return "chinchilla";
    case FitForm::kKaplan:
      return "kaplan";
    case FitForm::kEqualExponent:
      return "equal-exponent";
    case FitForm::kGadre:
      return "gadre2024";
    case FitForm::kCompute:
      return "compute";
    case FitForm::kMuennighoff:
      return "muennighoff2023";
  }
  return "";
}

bool has_compute_optimum(FitForm f) { return f != FitForm::kCompute; }

/// The group's suffix in interval names ("" without --joint).
std::string group_suffix(const FitReport& r, std::size_t g) {
  return r.groups.size() > 1 ? "[" + r.groups[g] + "]" : "";
}

Tree compute_optimal_tree(const FitReport& r, std::size_t g) {
  Tree optimal = Tree::array();
  if (!has_compute_optimum(r.form)) return optimal;
  const LawForm& law = r.fit.group_laws[g];
  for (double flops : kReportedBudgets) {
    const Allocation a = compute_optimal(law, flops);
    // A degenerate fit (an exponent at 0) has no finite optimum: no row, and its warnings say why.
    if (!std::isfinite(a.params) || !std::isfinite(a.tokens) || !std::isfinite(a.loss)) continue;
    Tree row = {{"flops", flops}, {"params", a.params}, {"tokens", a.tokens}, {"loss", a.loss}};
    if (!r.samples.empty()) {
      std::vector<double> ns, ds;
      for (const auto& s : r.samples) {
        const Allocation b = compute_optimal(s[g], flops);
        ns.push_back(b.params);
        ds.push_back(b.tokens);
      }
      const double tail = (1 - kFitIntervalCoverage) / 2;
      const auto finite = [](const std::vector<double>& v) {
        return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
      };
      if (finite(ns) && finite(ds)) {
        row["params_interval"] = {percentile(ns, tail), percentile(ns, 1 - tail)};
        row["tokens_interval"] = {percentile(ds, tail), percentile(ds, 1 - tail)};
      }
    }
    optimal.push_back(row);
  }
  return optimal;
}

std::size_t group_index(const FitReport& r, const std::string& group) {
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    if (r.groups[g] == group) return g;
  return r.groups.size();
}

double predicted_for(const FitReport& r, const RunRow& row, std::size_t g) {
  return evaluate(r.fit.group_laws[g], {.params = row.params,
                                        .tokens = row.tokens,
                                        .flops = row.flops.value_or(0),
                                        .unique_tokens = row.unique_tokens.value_or(0)});
}

/// Bootstrap-interval warnings: zero width (every resample the same: a bound or a degenerate
/// fit, not certainty) and intervals that do not bound a parameter.
void interval_warnings(FitReport& r) {
  for (const auto& [name, iv] : r.intervals) {
    const double scale = std::max({std::abs(iv.low), std::abs(iv.high), 1e-300});
    if (r.samples.size() >= 2 && std::abs(iv.high - iv.low) <= 1e-6 * scale) {
      r.warnings.push_back("the bootstrap interval of " + name + " has zero width (" +
                           fmt("%.6g", iv.low) + " to " + fmt("%.6g", iv.high) +
                           "): every resample gives the same value, the mark of a bound or a "
                           "degenerate fit, not of certainty");
      continue;
    }
    const bool scale_param = name.rfind("alpha", 0) != 0 && name.rfind("beta", 0) != 0 &&
                             name.rfind("eta", 0) != 0 && name != "a" && name != "b" &&
                             name.rfind("a[", 0) != 0 && name.rfind("b[", 0) != 0;
    if (scale_param && iv.low > 0 && iv.high / iv.low > kUnboundedIntervalRatio)
      r.warnings.push_back("the bootstrap interval of " + name + " spans " + fmt("%.3g", iv.low) +
                           " to " + fmt("%.3g", iv.high) +
                           ", more than 3 orders of magnitude: the runs do not bound it");
  }
}

}  // namespace

std::vector<FitPoint> fit_points(const std::vector<RunRow>& rows,
                                 std::vector<std::string>* groups) {
  std::map<std::string, int> run_ids, group_ids;
  std::vector<std::string> names;
  std::vector<FitPoint> points;
  points.reserve(rows.size());
  for (const RunRow& r : rows) {
    const auto [g, new_group] = group_ids.emplace(r.group, static_cast<int>(group_ids.size()));
    if (new_group) names.push_back(r.group);
    // A run is its id within its group: the same id in two groups is two runs.
    const auto [it, inserted] =
        run_ids.emplace(r.group + '\x1f' + r.run, static_cast<int>(run_ids.size()));
    FitPoint p;
    p.log_params = std::log(r.params);
    p.log_tokens = std::log(r.tokens);
    p.log_loss = std::log(r.loss);
    p.weight = r.weight;
    p.run = it->second;
    p.group = g->second;
    p.log_flops = std::log(r.flops.value_or(6 * r.params * r.tokens));
    p.unique_tokens = r.unique_tokens.value_or(0);
    points.push_back(p);
  }
  if (groups) *groups = names;
  return points;
}

FitReport make_fit_report(const FitRequest& request, const std::string& file,
                          const FitProgress& progress) {
  FitReport report;
  report.form = request.options.form;
  report.joint_column = request.joint_column;
  const std::vector<FitPoint> points = fit_points(request.train, &report.groups);
  if (points.empty())
    throw InputError({file, 0, 0}, "rows", "no rows left to fit (the filters dropped them all)");
  report.rows = static_cast<int>(points.size());
  for (const FitPoint& p : points) report.runs = std::max(report.runs, p.run + 1);
  FitOptions options = request.options;
  options.groups = static_cast<int>(report.groups.size());
  if (progress)
    options.progress = [progress](int done, int total) { progress("fit", done, total); };

  const bool compute_form = options.form == FitForm::kCompute;
  // Distinct values by sort and unique (sets of a million rows would cost ~100 MB).
  const auto distinct = [](auto values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
  };
  // Points are distinct (N, D) pairs; for muennighoff2023, (N, D, U_D) triples.
  std::vector<std::tuple<double, double, double>> pair_list;
  std::vector<double> n_list, d_list, c_list;
  pair_list.reserve(request.train.size());
  for (const RunRow& r : request.train) {
    pair_list.emplace_back(r.params, r.tokens,
                           options.form == FitForm::kMuennighoff ? r.unique_tokens.value_or(0) : 0);
    n_list.push_back(r.params);
    d_list.push_back(r.tokens);
    if (compute_form) c_list.push_back(r.flops.value_or(6 * r.params * r.tokens));
  }
  const std::vector<double> ns = distinct(std::move(n_list)), ds = distinct(std::move(d_list));
  report.points = static_cast<int>(compute_form ? distinct(std::move(c_list)).size()
                                                : distinct(std::move(pair_list)).size());
  report.distinct_params = static_cast<int>(ns.size());
  report.distinct_tokens = static_cast<int>(ds.size());
  const int n_params = fit_parameter_count(options);
  if (report.points < n_params)
    throw InputError({file, 0, 0}, "rows",
                     std::to_string(report.points) +
                         (compute_form ? " distinct values of C" : " distinct (N, D) points") +
                         " to fit, need at least " + std::to_string(n_params) +
                         " (one per parameter of the law)");
  if (!compute_form && ns.size() == 1)
    throw InputError({file, 0, 0}, "params",
                     "every run has the same model size; need at least two values of N");
  if (!compute_form && ds.size() == 1)
    throw InputError({file, 0, 0}, "tokens",
                     "every run has the same token count; need at least two values of D");
  report.range = {ns.front(), ns.back(), ds.front(), ds.back(), 0, 0};
  {
    double c_lo = HUGE_VAL, c_hi = 0;
    for (const RunRow& r : request.train) {
      const double c = r.flops.value_or(6 * r.params * r.tokens);
      c_lo = std::min(c_lo, c);
      c_hi = std::max(c_hi, c);
    }
    report.range.flops_min = c_lo;
    report.range.flops_max = c_hi;
  }

  report.fit = fit_law(points, options, initial_grid(options.form));
  if (!report.fit.failure.empty())
    throw InputError({file, 0, 0}, "", "the fit failed: " + report.fit.failure);

  if (request.bootstrap > 0 && report.runs >= 2) {
    std::function<void(int)> boot;
    if (progress)
      boot = [progress, total = request.bootstrap](int done) {
        progress("bootstrap", done, total);
      };
    report.samples =
        bootstrap_fits(points, options, report.fit, request.bootstrap, request.seed, boot);
  }

  if (!report.samples.empty()) {
    const double tail = (1 - kFitIntervalCoverage) / 2;
    for (std::size_t g = 0; g < report.groups.size(); ++g) {
      const auto names = named_values(report.fit.group_laws[g]);
      for (std::size_t i = 0; i < names.size(); ++i) {
        std::vector<double> v;
        for (const auto& s : report.samples) v.push_back(named_values(s[g])[i].second);
        report.intervals.push_back({names[i].first + group_suffix(report, g),
                                    {percentile(v, tail), percentile(v, 1 - tail)}});
      }
    }
  }

  std::set<std::string> holdout_runs;
  int skipped = 0;
  for (const RunRow& row : request.holdout) {
    const std::size_t g = group_index(report, row.group);
    if (g == report.groups.size()) {
      ++skipped;
      continue;
    }
    const double predicted = predicted_for(report, row, g);
    report.holdout.push_back({row, predicted, (predicted - row.loss) / row.loss});
    report.holdout_mape_percent += 100 * std::abs(report.holdout.back().relative_error);
    holdout_runs.insert(row.group + '\x1f' + row.run);
  }
  report.holdout_runs = static_cast<int>(holdout_runs.size());
  if (!report.holdout.empty())
    report.holdout_mape_percent /= static_cast<double>(report.holdout.size());
  if (skipped > 0)
    report.warnings.push_back(std::to_string(skipped) + " held-out rows belong to no group that " +
                              "was fitted (" + request.joint_column + "): not predicted");

  // Diagnostics (docs/fit.md): the data's spread, bounds, E, intervals, the Hessian.
  if (report.runs < kFewRuns)
    report.warnings.push_back(
        "only " + std::to_string(report.runs) + (report.runs == 1 ? " run" : " runs") +
        ": the exponents are weakly identified by so few runs, and the bootstrap over runs " +
        (report.runs < 2 ? "is skipped" : "cannot give trustworthy intervals"));
  if (!compute_form && ns.size() == 2)
    report.warnings.push_back("only 2 model sizes (" + fmt("%.3g", ns.front()) + " and " +
                              fmt("%.3g", ns.back()) +
                              "): A and alpha are fixed by two points, a flat ridge; the N "
                              "exponent is weakly identified");
  if (!compute_form && ds.size() == 2)
    report.warnings.push_back(
        "only 2 token counts: B and beta are fixed by two points, a flat "
        "ridge; the D exponent is weakly identified");
  if (!compute_form && report.range.params_max / report.range.params_min < 10)
    report.warnings.push_back("the runs span less than one order of magnitude in N (" +
                              fmt("%.3g", report.range.params_min) + " to " +
                              fmt("%.3g", report.range.params_max) +
                              "): the exponents are poorly determined");
  if (!compute_form && report.range.tokens_max / report.range.tokens_min < 10)
    report.warnings.push_back("the runs span less than one order of magnitude in D (" +
                              fmt("%.3g", report.range.tokens_min) + " to " +
                              fmt("%.3g", report.range.tokens_max) +
                              "): the exponents are poorly determined");
  for (const std::string& p : report.fit.at_bound)
    report.warnings.push_back("the fit sits on a bound of " + p +
                              ": the data do not determine it (a degenerate fit)");
  for (const std::string& p : report.fit.near_bound)
    report.warnings.push_back("the fit sits within 0.01 of a bound of " + p +
                              ": the data barely determine it");
  double loss_min = HUGE_VAL;
  for (const RunRow& r : request.train) loss_min = std::min(loss_min, r.loss);
  for (std::size_t g = 0; g < report.groups.size(); ++g) {
    const auto names = named_values(report.fit.group_laws[g]);
    for (const auto& [name, value] : names)
      if (name == "E" && value < kENearZeroFraction * loss_min)
        report.warnings.push_back(
            "E" + group_suffix(report, g) + " = " + fmt("%.3g", value) +
            " is near 0 (the smallest loss is " + fmt("%.4g", loss_min) +
            "): the runs show no loss floor, the irreducible loss is not identified, and "
            "predictions beyond the data fall without limit");
  }
  interval_warnings(report);
  if (report.fit.hessian_condition == 0)
    report.warnings.push_back(
        "the objective is not strictly convex at the optimum (a flat or "
        "saddle direction in the Hessian): some combination of "
        "parameters is not determined by the runs");
  else if (report.fit.hessian_condition > kFlatRidgeCondition)
    report.warnings.push_back("the optimum lies on a flat ridge (Hessian condition number " +
                              fmt("%.3g", report.fit.hessian_condition) +
                              "): some combination of parameters is weakly determined");
  return report;
}

Tree fit_to_tree(const FitReport& r, const Tree& provenance, bool law_file, const std::string& name,
                 std::size_t group) {
  Tree t;
  const LawForm& law = r.fit.group_laws[group];
  if (law_file) {
    t["name"] = name;
    t["source"] =
        "scaleplan fit of " + provenance.value("input", std::string("runs")) +
        (r.groups.size() > 1 ? " (" + r.joint_column + " = " + r.groups[group] + ")" : "") +
        ", form " + form_label(r.form) + " (Hoffmann et al. 2022 Approach 3 method)";
    t["domain"] = "text";
    t["metric"] = "loss (nats per token)";
  }
  t["form"] = form_name(law);
  t["params"] = params_tree(law);
  if (r.groups.size() > 1) t["group"] = r.groups[group];
  Tree intervals = Tree::object();
  for (const auto& [key, iv] : r.intervals) intervals[key] = {iv.low, iv.high};
  t["intervals"] = intervals;
  t["objective"] = r.fit.objective;
  t["runs"] = r.runs;
  t["rows"] = r.rows;
  t["points"] = r.points;
  t["starts"] = r.fit.starts;
  t["starts_at_best"] = r.fit.starts_at_best;
  t["at_bound"] = r.fit.at_bound;
  if (const auto* c = std::get_if<ChinchillaLaw>(&law))
    t["exponents"] = {{"a", c->beta / (c->alpha + c->beta)},
                      {"b", c->alpha / (c->alpha + c->beta)}};
  if (has_compute_optimum(r.form)) t["compute_optimal"] = compute_optimal_tree(r, group);
  if (r.groups.size() > 1) {
    Tree groups = Tree::array();
    for (std::size_t g = 0; g < r.groups.size(); ++g)
      groups.push_back({{"name", r.groups[g]},
                        {"params", params_tree(r.fit.group_laws[g])},
                        {"compute_optimal", compute_optimal_tree(r, g)}});
    t["joint"] = {{"column", r.joint_column}, {"groups", groups}};
  }
  if (!r.holdout.empty()) {
    Tree points = Tree::array();
    for (const HoldoutPoint& h : r.holdout)
      points.push_back({{"line", h.row.line},
                        {"params", h.row.params},
                        {"tokens", h.row.tokens},
                        {"loss", h.row.loss},
                        {"predicted", h.predicted},
                        {"relative_error", h.relative_error}});
    t["holdout"] = {{"runs", r.holdout_runs},
                    {"rows", r.holdout.size()},
                    {"mape_percent", r.holdout_mape_percent},
                    {"points", points}};
  }
  t["range"] = {{"params_min", r.range.params_min}, {"params_max", r.range.params_max},
                {"tokens_min", r.range.tokens_min}, {"tokens_max", r.range.tokens_max},
                {"flops_min", r.range.flops_min},   {"flops_max", r.range.flops_max}};
  t["diagnostics"] = {{"hessian_condition",
                       r.fit.hessian_condition > 0 ? Tree(r.fit.hessian_condition) : Tree(nullptr)},
                      {"near_bound", r.fit.near_bound},
                      {"distinct_params", r.distinct_params},
                      {"distinct_tokens", r.distinct_tokens},
                      {"screen_points", r.fit.screen_points},
                      {"refined", r.fit.refined}};
  t["warnings"] = r.warnings;
  t["provenance"] = provenance;
  if (law_file) {
    Tree samples = Tree::array();
    for (std::size_t i = 0; i < r.samples.size() && i < static_cast<std::size_t>(kSamplesKept); ++i)
      samples.push_back(params_tree(r.samples[i][group]));
    t["samples"] = samples;
  }
  return t;
}

namespace {

/// `law.yaml` for group "c4" of a joint fit: `law.c4.yaml`.
std::string group_law_path(const std::string& output, const std::string& group) {
  std::string safe;
  for (char c : group)
    safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  const std::filesystem::path p(output);
  return (p.parent_path() / (p.stem().string() + "." + safe + p.extension().string())).string();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> law_files(const FitReport& report,
                                                           const Tree& provenance,
                                                           const std::string& output,
                                                           const std::string& name) {
  std::vector<std::pair<std::string, std::string>> files;
  for (std::size_t g = 0; g < report.groups.size(); ++g) {
    const bool joint = report.groups.size() > 1;
    const std::string path = joint ? group_law_path(output, report.groups[g]) : output;
    const std::string law_name = name.empty() ? std::filesystem::path(path).stem().string()
                                 : joint      ? name + "." + report.groups[g]
                                              : name;
    std::ostringstream law;
    law << "# Scaling law fitted by `scaleplan fit` (docs/fit.md); `plan --law` reads it.\n";
    print_tree(fit_to_tree(report, provenance, true, law_name, g), OutputFormat::kYaml, law);
    try {
      parse_law(law.str(), path);
    } catch (const InputError& e) {
      const std::string problem = law_problem(report.fit.group_laws[g]);
      throw InputError({path, 0, 0}, "",
                       "not written: " + (problem.empty() ? std::string(e.what()) : problem) +
                           " (the law reader, and so plan, would reject this law; see the "
                           "warnings)");
    }
    files.emplace_back(path, law.str());
  }
  return files;
}

std::string residuals_csv(const FitReport& r, const std::vector<RunRow>& train) {
  std::ostringstream out;
  out << std::setprecision(10) << "line,set,params,tokens,loss,fitted,residual\n";
  for (const RunRow& row : train) {
    const std::size_t g = std::min(group_index(r, row.group), r.groups.size() - 1);
    const double fitted = predicted_for(r, row, g);
    out << row.line << ",train," << row.params << "," << row.tokens << "," << row.loss << ","
        << fitted << "," << row.loss - fitted << "\n";
  }
  for (const HoldoutPoint& h : r.holdout)
    out << h.row.line << ",holdout," << h.row.params << "," << h.row.tokens << "," << h.row.loss
        << "," << h.predicted << "," << h.row.loss - h.predicted << "\n";
  return out.str();
}

void print_fit_table(const FitReport& r, std::ostream& out) {
  out << "Fitted " << form_label(r.form) << " law on " << r.runs << " runs (" << r.rows << " rows, "
      << r.points << " distinct points)";
  if (r.groups.size() > 1)
    out << ", jointly over " << r.groups.size() << " groups of " << r.joint_column;
  out << "\n";
  std::map<std::string, Interval> iv(r.intervals.begin(), r.intervals.end());
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    out << "\n";
    if (r.groups.size() > 1) out << "  " << r.joint_column << " = " << r.groups[g] << ":\n";
    for (const auto& [key, value] : named_values(r.fit.group_laws[g])) {
      const std::string k = key + group_suffix(r, g);
      out << "  " << std::left << std::setw(10) << key << fmt("%-12.6g", value);
      if (iv.count(k))
        out << "95% interval " << fmt("%.6g", iv[k].low) << " to " << fmt("%.6g", iv[k].high);
      out << "\n";
    }
  }
  out << "\n  objective " << fmt("%.6g", r.fit.objective) << "; " << r.fit.starts_at_best << " of "
      << r.fit.starts << " starts reached the best";
  if (r.fit.screen_points > 0)
    out << " (every start on " << r.fit.screen_points << " evenly spaced rows, the best "
        << r.fit.refined << " distinct refined on all " << r.rows << ")";
  out << "\n";
  if (has_compute_optimum(r.form)) {
    out << "\n  compute-optimal:\n";
    for (double flops : kReportedBudgets) {
      const Allocation a = compute_optimal(r.fit.law, flops);
      out << "    C = " << fmt("%.3g", flops) << " FLOPs: N = " << human_count(a.params)
          << ", D = " << human_count(a.tokens) << ", loss " << fmt("%.4f", a.loss) << "\n";
    }
  }
  if (!r.holdout.empty()) {
    out << "\n  held out: " << r.holdout.size() << " rows of " << r.holdout_runs << " runs, MAPE "
        << fmt("%.2f", r.holdout_mape_percent) << "%\n";
    constexpr std::size_t kShown = 20;
    for (std::size_t i = 0; i < r.holdout.size() && i < kShown; ++i) {
      const HoldoutPoint& h = r.holdout[i];
      out << "    line " << h.row.line << ": N " << human_count(h.row.params) << ", D "
          << human_count(h.row.tokens) << ", loss " << fmt("%.4f", h.row.loss) << ", predicted "
          << fmt("%.4f", h.predicted) << " (" << fmt("%+.2f", 100 * h.relative_error) << "%)\n";
    }
    if (r.holdout.size() > kShown)
      out << "    ... and " << r.holdout.size() - kShown << " more (--format json lists all)\n";
  }
  if (!r.warnings.empty()) {
    out << "\nwarnings:\n";
    for (const std::string& w : r.warnings) out << "  - " << w << "\n";
  }
}

}  // namespace scaleplan
