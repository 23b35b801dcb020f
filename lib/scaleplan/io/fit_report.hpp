#pragma once
/// `scaleplan fit` from rows to report: the fit, its bootstrap intervals, compute-optimal
/// allocations, the held-out check, warnings, and the law file tree that `plan` reads.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scaleplan/model/fit.hpp"
#include "scaleplan/io/report.hpp"
#include "scaleplan/io/runs_csv.hpp"

namespace scaleplan {

/// Coverage of the parameter intervals a fit reports (the replication's 95%).
inline constexpr double kFitIntervalCoverage = 0.95;
/// Compute budgets (FLOPs) at which the fit reports the compute-optimal N and D.
inline constexpr double kReportedBudgets[] = {1e21, 1e23, 5.76e23, 1e25};
/// Bootstrap parameter vectors kept in the law file (they give plan's loss interval).
inline constexpr int kSamplesKept = 100;

struct FitRequest {
  std::vector<RunRow> train, holdout;
  FitOptions options;
  int bootstrap = 200;
  std::uint64_t seed = 0;
};

struct Interval {
  double low = 0, high = 0;
};

struct HoldoutPoint {
  RunRow row;
  double predicted = 0, relative_error = 0;
};

struct FitReport {
  FitResult fit;
  int runs = 0, rows = 0;
  std::vector<LawForm> samples;                      ///< bootstrap fits
  std::vector<std::pair<std::string, Interval>> intervals;  ///< parameter and exponent intervals
  FitRange range;
  std::vector<HoldoutPoint> holdout;
  double holdout_mape_percent = 0;
  std::vector<std::string> warnings;
};

/// Fits, bootstraps and checks. Throws InputError (naming `file`) for data that cannot identify
/// the law: fewer runs than parameters, or a single model size or token count.
FitReport make_fit_report(const FitRequest& request, const std::string& file,
                          const std::function<void(int)>& progress);

/// The `fit --format json` tree; with `law_file` set, the extra keys of a law file (name,
/// source, samples) are included, so the YAML law file holds the same tree.
Tree fit_to_tree(const FitReport& report, const Tree& provenance, bool law_file,
                 const std::string& name);

/// The fitted values and residuals of every row (train and held out) as CSV.
std::string residuals_csv(const FitReport& report, const std::vector<RunRow>& train);

void print_fit_table(const FitReport& report, std::ostream& out);

/// Fit points from rows: logs, weights, and run ids numbered from 0.
std::vector<FitPoint> fit_points(const std::vector<RunRow>& rows);

}  // namespace scaleplan
