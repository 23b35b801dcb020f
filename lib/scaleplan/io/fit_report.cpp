#include "scaleplan/io/fit_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <map>
#include <sstream>

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

}  // namespace

std::vector<FitPoint> fit_points(const std::vector<RunRow>& rows) {
  std::map<std::string, int> ids;
  std::vector<FitPoint> points;
  for (const RunRow& r : rows) {
    const auto [it, inserted] = ids.emplace(r.run, static_cast<int>(ids.size()));
    points.push_back({std::log(r.params), std::log(r.tokens), std::log(r.loss), r.weight, it->second});
  }
  return points;
}

FitReport make_fit_report(const FitRequest& request, const std::string& file,
                          const std::function<void(int)>& progress) {
  const std::vector<FitPoint> points = fit_points(request.train);
  FitReport report;
  report.rows = static_cast<int>(points.size());
  for (const FitPoint& p : points) report.runs = std::max(report.runs, p.run + 1);
  const int n_params = request.options.form == FitForm::kChinchilla ? 5 : 4;
  if (report.runs < n_params)
    throw InputError({file, 0, 0}, "runs",
                     std::to_string(report.runs) + " runs to fit, need at least " +
                         std::to_string(n_params) + " (one per parameter of the law)");
  const auto [n_min, n_max] = std::minmax_element(
      request.train.begin(), request.train.end(),
      [](const RunRow& a, const RunRow& b) { return a.params < b.params; });
  const auto [d_min, d_max] = std::minmax_element(
      request.train.begin(), request.train.end(),
      [](const RunRow& a, const RunRow& b) { return a.tokens < b.tokens; });
  if (n_min->params == n_max->params)
    throw InputError({file, 0, 0}, "params",
                     "every run has the same model size; need at least two values of N");
  if (d_min->tokens == d_max->tokens)
    throw InputError({file, 0, 0}, "tokens",
                     "every run has the same token count; need at least two values of D");
  report.range = {n_min->params, n_max->params, d_min->tokens, d_max->tokens};

  report.fit = fit_law(points, request.options, initial_grid(request.options.form));
  if (request.bootstrap > 0)
    report.samples = bootstrap_fits(points, request.options, report.fit.law, request.bootstrap,
                                    request.seed, progress);

  if (!report.samples.empty()) {
    const double tail = (1 - kFitIntervalCoverage) / 2;
    const auto names = named_values(report.fit.law);
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::vector<double> v;
      for (const LawForm& s : report.samples) v.push_back(named_values(s)[i].second);
      report.intervals.push_back({names[i].first, {percentile(v, tail), percentile(v, 1 - tail)}});
    }
  }

  for (const RunRow& row : request.holdout) {
    const double predicted = loss(report.fit.law, row.params, row.tokens);
    report.holdout.push_back({row, predicted, (predicted - row.loss) / row.loss});
    report.holdout_mape_percent += 100 * std::abs(report.holdout.back().relative_error);
  }
  if (!report.holdout.empty())
    report.holdout_mape_percent /= static_cast<double>(report.holdout.size());

  if (n_max->params / n_min->params < 10)
    report.warnings.push_back("the runs span less than one order of magnitude in N (" +
                              fmt("%.3g", n_min->params) + " to " + fmt("%.3g", n_max->params) +
                              "): the exponents are poorly determined");
  if (d_max->tokens / d_min->tokens < 10)
    report.warnings.push_back("the runs span less than one order of magnitude in D (" +
                              fmt("%.3g", d_min->tokens) + " to " + fmt("%.3g", d_max->tokens) +
                              "): the exponents are poorly determined");
  for (const std::string& p : report.fit.at_bound)
    report.warnings.push_back("the fit sits on a bound of " + p +
                              ": the data do not determine it (a degenerate fit)");
  return report;
}

Tree fit_to_tree(const FitReport& r, const Tree& provenance, bool law_file,
                 const std::string& name) {
  Tree t;
  if (law_file) {
    t["name"] = name;
    t["source"] = "scaleplan fit of " + provenance.value("input", std::string("runs")) +
                  " (Hoffmann et al. 2022 Approach 3 method)";
  }
  t["form"] = form_name(r.fit.law);
  t["params"] = params_tree(r.fit.law);
  Tree intervals = Tree::object();
  for (const auto& [key, iv] : r.intervals) intervals[key] = {iv.low, iv.high};
  t["intervals"] = intervals;
  t["objective"] = r.fit.objective;
  t["runs"] = r.runs;
  t["starts"] = r.fit.starts;
  t["starts_at_best"] = r.fit.starts_at_best;
  t["at_bound"] = r.fit.at_bound;
  if (const auto* c = std::get_if<ChinchillaLaw>(&r.fit.law))
    t["exponents"] = {{"a", c->beta / (c->alpha + c->beta)}, {"b", c->alpha / (c->alpha + c->beta)}};
  Tree optimal = Tree::array();
  for (double flops : kReportedBudgets) {
    const Allocation a = compute_optimal(r.fit.law, flops);
    Tree row = {{"flops", flops}, {"params", a.params}, {"tokens", a.tokens}, {"loss", a.loss}};
    if (!r.samples.empty()) {
      std::vector<double> ns, ds;
      for (const LawForm& s : r.samples) {
        const Allocation b = compute_optimal(s, flops);
        ns.push_back(b.params);
        ds.push_back(b.tokens);
      }
      const double tail = (1 - kFitIntervalCoverage) / 2;
      row["params_interval"] = {percentile(ns, tail), percentile(ns, 1 - tail)};
      row["tokens_interval"] = {percentile(ds, tail), percentile(ds, 1 - tail)};
    }
    optimal.push_back(row);
  }
  t["compute_optimal"] = optimal;
  if (!r.holdout.empty()) {
    Tree points = Tree::array();
    for (const HoldoutPoint& h : r.holdout)
      points.push_back({{"line", h.row.line},
                        {"params", h.row.params},
                        {"tokens", h.row.tokens},
                        {"loss", h.row.loss},
                        {"predicted", h.predicted},
                        {"relative_error", h.relative_error}});
    t["holdout"] = {{"runs", r.holdout.size()},
                    {"mape_percent", r.holdout_mape_percent},
                    {"points", points}};
  }
  t["range"] = {{"params_min", r.range.params_min},
                {"params_max", r.range.params_max},
                {"tokens_min", r.range.tokens_min},
                {"tokens_max", r.range.tokens_max}};
  t["warnings"] = r.warnings;
  t["provenance"] = provenance;
  if (law_file) {
    Tree samples = Tree::array();
    for (std::size_t i = 0; i < r.samples.size() && i < static_cast<std::size_t>(kSamplesKept); ++i)
      samples.push_back(params_tree(r.samples[i]));
    t["samples"] = samples;
  }
  return t;
}

std::string residuals_csv(const FitReport& r, const std::vector<RunRow>& train) {
  std::ostringstream out;
  out << std::setprecision(10) << "line,set,params,tokens,loss,fitted,residual\n";
  for (const RunRow& row : train) {
    const double fitted = loss(r.fit.law, row.params, row.tokens);
    out << row.line << ",train," << row.params << "," << row.tokens << "," << row.loss << ","
        << fitted << "," << row.loss - fitted << "\n";
  }
  for (const HoldoutPoint& h : r.holdout)
    out << h.row.line << ",holdout," << h.row.params << "," << h.row.tokens << "," << h.row.loss
        << "," << h.predicted << "," << h.row.loss - h.predicted << "\n";
  return out.str();
}

void print_fit_table(const FitReport& r, std::ostream& out) {
  out << "Fitted " << form_name(r.fit.law) << " law on " << r.runs << " runs (" << r.rows
      << " rows)\n\n";
  std::map<std::string, Interval> iv(r.intervals.begin(), r.intervals.end());
  for (const auto& [key, value] : named_values(r.fit.law)) {
    out << "  " << std::left << std::setw(8) << key << fmt("%-12.6g", value);
    if (iv.count(key))
      out << "95% interval " << fmt("%.6g", iv[key].low) << " to " << fmt("%.6g", iv[key].high);
    out << "\n";
  }
  out << "\n  objective " << fmt("%.6g", r.fit.objective) << "; " << r.fit.starts_at_best << " of "
      << r.fit.starts << " starts reached the best\n";
  out << "\n  compute-optimal:\n";
  for (double flops : kReportedBudgets) {
    const Allocation a = compute_optimal(r.fit.law, flops);
    out << "    C = " << fmt("%.3g", flops) << " FLOPs: N = " << human_count(a.params)
        << ", D = " << human_count(a.tokens) << ", loss " << fmt("%.4f", a.loss) << "\n";
  }
  if (!r.holdout.empty()) {
    out << "\n  held out: " << r.holdout.size() << " rows, MAPE " << fmt("%.2f", r.holdout_mape_percent)
        << "%\n";
    for (const HoldoutPoint& h : r.holdout)
      out << "    line " << h.row.line << ": N " << human_count(h.row.params) << ", D "
          << human_count(h.row.tokens) << ", loss " << fmt("%.4f", h.row.loss) << ", predicted "
          << fmt("%.4f", h.predicted) << " (" << fmt("%+.2f", 100 * h.relative_error) << "%)\n";
  }
  if (!r.warnings.empty()) {
    out << "\nwarnings:\n";
    for (const std::string& w : r.warnings) out << "  - " << w << "\n";
  }
}

}  // namespace scaleplan
