// `scaleplan fit RUNS.csv -o law.yaml`: fit a scaling law to your own runs.

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>

#include "app.hpp"
#include "commands.hpp"
#include "terminal.hpp"
#include "scaleplan/io/file_io.hpp"
#include "scaleplan/io/fit_report.hpp"
#include "scaleplan/io/runs_csv.hpp"
#include "scaleplan/version.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan::cli {
namespace {

struct FitCliOptions {
  std::string runs_path;
  std::string output;
  std::string form = "chinchilla";
  int bootstrap = 200;
  std::uint64_t seed = 0;
  bool final_only = false;
  std::vector<std::string> exclude;
  std::string holdout;
  std::string residuals;
  std::string name;
};

/// One line on stderr, redrawn in place, only when stderr is a terminal:
/// "bootstrap [###############...............] 100/200 50%, 1.2 s left"; erased when done.
std::function<void(int)> progress_bar(int total, bool quiet) {
  if (quiet || total <= 0 || !::isatty(STDERR_FILENO)) return {};
  struct State {
    std::mutex mutex;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    int shown = -1;  ///< the percent on screen
  };
  auto state = std::make_shared<State>();
  return [state, total](int done) {
    std::lock_guard<std::mutex> lock(state->mutex);
    const int percent = 100 * done / total;
    if (done == 1) state->start = std::chrono::steady_clock::now();  // the refits begin
    if (percent == state->shown && done != total) return;  // redraw once a percent
    state->shown = percent;
    constexpr int kWidth = 30;
    const int filled = kWidth * done / total;
    std::string line = "bootstrap [" + std::string(static_cast<std::size_t>(filled), '#') +
                       std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] " +
                       std::to_string(done) + "/" + std::to_string(total) + " " +
                       std::to_string(percent) + "%";
    if (done > 1 && done < total) {
      const double per_refit =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - state->start).count() /
          (done - 1);
      line += ", " + fmt("%.1f", per_refit * (total - done)) + " s left";
    }
    // \r back to the line's start, then \033[K clears what a longer earlier line left.
    std::cerr << "\r" << line << "\033[K";
    if (done == total) std::cerr << "\r\033[K";
    std::cerr << std::flush;
  };
}

int run_fit(const FitCliOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  const std::string file = display_name(o.runs_path);
  const std::string text = read_input(o.runs_path);
  const RunsTable table = parse_runs_csv(text, file);

  std::vector<RowFilter> excludes;
  for (const std::string& e : o.exclude) excludes.push_back(parse_row_filter(e, "--exclude"));
  std::optional<RowFilter> holdout;
  if (!o.holdout.empty()) holdout = parse_row_filter(o.holdout, "--holdout");

  FitRequest request;
  request.options.form = o.form == "kaplan" ? FitForm::kKaplan : FitForm::kChinchilla;
  request.bootstrap = o.bootstrap;
  request.seed = o.seed;
  const std::vector<RunRow> rows = o.final_only ? final_checkpoints(table.rows) : table.rows;
  int excluded = 0;
  for (const RunRow& row : rows) {
    const bool drop = std::any_of(excludes.begin(), excludes.end(),
                                  [&](const RowFilter& f) { return matches(f, row); });
    if (drop) ++excluded;
    else if (holdout && matches(*holdout, row)) request.holdout.push_back(row);
    else request.train.push_back(row);
  }
  if (excluded > 0) spdlog::info("excluded {} rows", excluded);

  const auto start = std::chrono::steady_clock::now();
  const FitReport report = make_fit_report(request, file, progress_bar(o.bootstrap, g.quiet));
  // The fit's own time (every start, then the bootstrap), without reading or printing: what
  // scripts/bench_fit.sh compares with the SciPy reference's timing of the same work.
  spdlog::info("fit: {} starts{} in {:.4f} s", report.fit.starts,
               o.bootstrap > 0 ? " and " + std::to_string(o.bootstrap) + " bootstrap refits" : "",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  // The result shows the warnings too: logged only when it does not go to the terminal.
  if (!stdout_is_terminal())
    for (const std::string& w : report.warnings) spdlog::warn("{}", w);

  Tree provenance = {{"input", file},
                     {"sha256", sha256_hex(text)},
                     {"rows_read", table.rows.size()},
                     {"rows_fitted", request.train.size()},
                     {"rows_excluded", excluded},
                     {"rows_held_out", request.holdout.size()},
                     {"method",
                      "Hoffmann et al. 2022 Approach 3: Huber (delta 1e-3) on log loss, L-BFGS "
                      "from a grid of initialisations; bootstrap over runs"},
                     {"options",
                      {{"form", o.form},
                       {"bootstrap", o.bootstrap},
                       {"seed", o.seed},
                       {"final_only", o.final_only},
                       {"exclude", o.exclude},
                       {"holdout", o.holdout}}},
                     {"scaleplan", SCALEPLAN_VERSION}};
  OutputFiles files;  // both outputs staged before either replaces a file
  if (!o.output.empty()) {
    const std::string name =
        o.name.empty() ? std::filesystem::path(o.output).stem().string() : o.name;
    std::ostringstream law;
    law << "# Scaling law fitted by `scaleplan fit` (docs/fit.md); `plan --law` reads it.\n";
    print_tree(fit_to_tree(report, provenance, true, name), OutputFormat::kYaml, law);
    files.stage(o.output, law.str());
  }
  if (!o.residuals.empty()) files.stage(o.residuals, residuals_csv(report, request.train));
  files.commit();
  if (format == OutputFormat::kTable) print_fit_table(report, out);
  else print_tree(fit_to_tree(report, provenance, false, ""), format, out);
  return 0;
}

}  // namespace

void add_fit_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<FitCliOptions>();
  CLI::App* sub = app.add_subcommand("fit", "Fit a scaling law L(N, D) to your own training runs");
  sub->add_option("runs", o->runs_path,
                  "CSV with columns params, tokens, loss [flops, run, step, seed, weight]; - for "
                  "stdin")
      ->required();
  sub->add_option("-o,--output", o->output, "Write the law YAML here (atomically)");
  sub->add_option("--form", o->form, "Law form")
      ->check(CLI::IsMember({"chinchilla", "kaplan"}))
      ->capture_default_str();
  sub->add_option("--bootstrap", o->bootstrap, "Bootstrap resamples of runs (0: off)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of the bootstrap")
      ->check(finite_number(0, 18446744073709551615.0))  // CLI11 wraps "-1" to 2^64 - 1
      ->capture_default_str();
  sub->add_flag("--final-only", o->final_only, "Keep only the last checkpoint of each run");
  sub->add_option("--exclude", o->exclude, "Drop rows matching COLUMN OP NUMBER, e.g. 'loss>=3.44'");
  sub->add_option("--holdout", o->holdout,
                  "Fit without rows matching COLUMN OP NUMBER and report their prediction error");
  sub->add_option("--residuals", o->residuals, "Write each row's fitted loss and residual (CSV)");
  sub->add_option("--name", o->name, "Name recorded in the law file (default: its file stem)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_fit(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
