#pragma once
/// `scaleplan fit` from rows to report: the fit, its bootstrap intervals, compute-optimal
/// allocations, the held-out check, diagnostics and warnings, and the law file tree that
/// `plan` reads.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scaleplan/io/report.hpp"
#include "scaleplan/io/runs_csv.hpp"
#include "scaleplan/model/fit.hpp"

namespace scaleplan {

/// Coverage of the parameter intervals a fit reports (the replication's 95%).
inline constexpr double kFitIntervalCoverage = 0.95;
/// Compute budgets (FLOPs) at which the fit reports the compute-optimal N and D.
inline constexpr double kReportedBudgets[] = {1e21, 1e23, 5.76e23, 1e25};
/// Bootstrap parameter vectors kept in the law file (they give plan's loss interval).
inline constexpr int kSamplesKept = 100;
/// Diagnostics thresholds (docs/fit.md): fewer runs than this leave the exponents weakly
/// identified; E below this fraction of the smallest loss has collapsed to 0; a Hessian
/// condition number above this is a flat ridge; an interval whose ends differ by more than this
/// factor does not bound the parameter.
inline constexpr int kFewRuns = 5;
inline constexpr double kENearZeroFraction = 0.01;
inline constexpr double kFlatRidgeCondition = 1e12;
inline constexpr double kUnboundedIntervalRatio = 1e3;

struct FitRequest {
  std::vector<RunRow> train, holdout;
  FitOptions options;
  int bootstrap = 200;
  std::uint64_t seed = 0;
  std::string joint_column;  ///< the --joint column ("" without); rows carry their group
};

struct Interval {
  double low = 0, high = 0;
};

struct HoldoutPoint {
  RunRow row;
  double predicted = 0, relative_error = 0;
};

/// What make_fit_report reports progress on: (stage, done, total), stage "fit" or "bootstrap".
using FitProgress = std::function<void(const std::string& stage, int done, int total)>;

struct FitReport {
  FitResult fit;
  FitForm form = FitForm::kChinchilla;
  int runs = 0, rows = 0;
  int points = 0;  ///< distinct (N, D) pairs (the compute form: distinct C)
  int distinct_params = 0, distinct_tokens = 0;
  std::vector<std::string> groups;  ///< joint-fit group names; one "" without --joint
  std::string joint_column;
  std::vector<std::vector<LawForm>> samples;  ///< bootstrap fits: per sample, per group
  std::vector<std::pair<std::string, Interval>> intervals;  ///< parameter and exponent intervals
  FitRange range;
  std::vector<HoldoutPoint> holdout;
  int holdout_runs = 0;
  double holdout_mape_percent = 0;
  std::vector<std::string> warnings;
};

/// Fits, bootstraps and checks. Throws InputError (naming `file`) for data that cannot identify
/// the law: fewer distinct (N, D) points than parameters, a single model size or token count,
/// or no finite fit.
FitReport make_fit_report(const FitRequest& request, const std::string& file,
                          const FitProgress& progress);

/// The `fit --format json` tree; with `law_file` set, the extra keys of a law file (name,
/// source, samples) are included, so the YAML law file holds the same tree. `group` picks the
/// joint-fit group whose law the tree's `params` are.
Tree fit_to_tree(const FitReport& report, const Tree& provenance, bool law_file,
                 const std::string& name, std::size_t group = 0);

/// The law files `fit -o OUTPUT` writes, as (path, YAML text): one, or with --joint one per
/// group, STEM.GROUP.EXT. Each is first read back by the law reader `plan` uses; when one would
/// be rejected, throws InputError naming its path (`not written: params.alpha: must be > 0, got
/// 0 ...`) and none is returned. `name` (default the file stem) is recorded in the law.
std::vector<std::pair<std::string, std::string>> law_files(const FitReport& report,
                                                           const Tree& provenance,
                                                           const std::string& output,
                                                           const std::string& name);

/// The fitted values and residuals of every row (train and held out) as CSV.
std::string residuals_csv(const FitReport& report, const std::vector<RunRow>& train);

void print_fit_table(const FitReport& report, std::ostream& out);

/// Fit points from rows: logs, weights, run ids numbered from 0 (a run is its id within its
/// group), groups numbered in order of first appearance (`groups` receives their names).
std::vector<FitPoint> fit_points(const std::vector<RunRow>& rows,
                                 std::vector<std::string>* groups = nullptr);

}  // namespace scaleplan
