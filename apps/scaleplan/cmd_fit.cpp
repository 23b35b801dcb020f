// `scaleplan fit RUNS.csv -o law.yaml`: fit a scaling law to your own runs.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "app.hpp"
#include "commands.hpp"
#include "terminal.hpp"
#include "scaleplan/io/file_io.hpp"
#include "scaleplan/io/fit_report.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/runs_csv.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "scaleplan/version.hpp"

namespace scaleplan::cli {
namespace {

const std::map<std::string, FitForm> kForms = {{"chinchilla", FitForm::kChinchilla},
                                               {"kaplan", FitForm::kKaplan},
                                               {"equal-exponent", FitForm::kEqualExponent},
                                               {"gadre2024", FitForm::kGadre},
                                               {"compute", FitForm::kCompute},
                                               {"muennighoff2023", FitForm::kMuennighoff}};

struct FitCliOptions {
  std::string runs_path;
  std::string output;
  std::string form = "chinchilla";
  int bootstrap = 200;
  std::uint64_t seed = 0;
  bool final_only = false;
  std::vector<std::string> exclude;
  std::vector<std::string> holdout;
  std::vector<std::string> group;
  std::string loss_column = "loss";
  std::string joint;
  std::string joint_params = "E";
  bool all_starts = false;
  std::string residuals;
  std::string name;
};

/// One line on stderr, redrawn in place, only when stderr is a terminal and only once the work
/// has taken a second: "fit: start [#########.....] 1200/4500 27%" or "bootstrap [...] 57/200
/// 28%, 3.1 s left"; erased when done.
FitProgress progress_line(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return {};
  struct State {
    std::mutex mutex;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::string stage;  ///< the stage on screen; a new one restarts the clock
    std::chrono::steady_clock::time_point stage_start = start;
    bool shown = false;
    int last = 0;  ///< threads finish out of order: only a higher count is shown
  };
  auto state = std::make_shared<State>();
  return [state](const std::string& stage, int done, int total) {
    std::lock_guard<std::mutex> lock(state->mutex);
    const auto now = std::chrono::steady_clock::now();
    if (stage != state->stage) state->stage = stage, state->stage_start = now, state->last = 0;
    const double elapsed = std::chrono::duration<double>(now - state->start).count();
    if ((elapsed < 1 && !state->shown) || (done <= state->last && done < total) || total <= 0)
      return;
    state->shown = true;
    state->last = done >= total ? 0 : done;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(static_cast<long long>(kWidth) * done / total);
    std::string line = (stage == "fit" ? "fit: start [" : "bootstrap [") +
                       std::string(static_cast<std::size_t>(filled), '#') +
                       std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] " +
                       std::to_string(done) + "/" + std::to_string(total) + " " +
                       std::to_string(100LL * done / total) + "%";
    const double stage_elapsed = std::chrono::duration<double>(now - state->stage_start).count();
    if (done > 0 && done < total)
      line += ", " + fmt("%.1f", stage_elapsed / done * (total - done)) + " s left";
    // \r back to the line's start, then \033[K clears what a longer earlier line left.
    std::cerr << "\r" << line << "\033[K";
    if (done >= total) std::cerr << "\r\033[K";
    std::cerr << std::flush;
  };
}

JointParams parse_joint_params(const std::string& text) {
  JointParams j{false, false, false};
  std::stringstream s(text);
  for (std::string item; std::getline(s, item, ',');) {
    if (item == "E")
      j.e = true;
    else if (item == "A")
      j.a = true;
    else if (item == "B")
      j.b = true;
    else
      throw InputError({}, "--joint-params",
                       "'" + item + "': expected a list of E, A and B (e.g. E or E,A,B)");
  }
  if (!j.e && !j.a && !j.b)
    throw InputError({}, "--joint-params", "give at least one of E, A and B");
  return j;
}

int run_fit(const FitCliOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  const std::string file = display_name(o.runs_path);
  // Options are checked before the (possibly long) read.
  std::vector<RowFilter> excludes, holdouts;
  for (const std::string& e : o.exclude) excludes.push_back(parse_row_filter(e, "--exclude"));
  for (const std::string& h : o.holdout) holdouts.push_back(parse_row_filter(h, "--holdout"));
  std::vector<GroupSelector> selectors;
  for (const std::string& s : o.group) selectors.push_back(parse_group_selector(s));
  FitRequest request;
  request.options.form = kForms.at(o.form);
  request.options.all_starts = o.all_starts;
  if (!o.joint.empty()) {
    if (request.options.form != FitForm::kChinchilla &&
        request.options.form != FitForm::kEqualExponent && request.options.form != FitForm::kGadre)
      throw InputError({}, "--joint",
                       "needs --form chinchilla, equal-exponent or gadre2024 (shared exponents)");
    request.options.joint = parse_joint_params(o.joint_params);
    request.joint_column = o.joint;
  }
  request.bootstrap = o.bootstrap;
  request.seed = o.seed;

  const std::string text = read_input(o.runs_path);
  RunsTable table = parse_runs_csv(text, file, o.loss_column);
  const std::size_t rows_read = table.rows.size();
  for (const RowFilter& f : excludes) check_filter_column(f, table, "--exclude");
  for (const RowFilter& f : holdouts) check_filter_column(f, table, "--holdout");
  for (const GroupSelector& s : selectors)
    if (!cell_text(table, table.rows.front(), s.column))
      throw InputError({}, "--group",
                       "'" + s.column + "=" + s.value + "': unknown column '" + s.column + "'" +
                           did_you_mean(s.column, table.columns));
  if (!o.joint.empty() && !cell_text(table, table.rows.front(), o.joint))
    throw InputError({}, "--joint",
                     "unknown column '" + o.joint + "'" + did_you_mean(o.joint, table.columns));
  if (request.options.form == FitForm::kMuennighoff &&
      std::find(table.columns.begin(), table.columns.end(), "unique_tokens") == table.columns.end())
    throw InputError({file, 1, 0}, "unique_tokens",
                     "missing column: --form muennighoff2023 needs each run's unique tokens");

  // The rows move on (a million rows is hundreds of megabytes; no copy of them is kept).
  std::vector<RunRow> rows = o.final_only ? final_checkpoints(table.rows) : std::move(table.rows);
  table.rows.clear();
  int excluded = 0, unselected = 0;
  // Each option's filters are joined by AND: a row is excluded (held out) when it matches every
  // --exclude (--holdout).
  const auto all = [&](const std::vector<RowFilter>& filters, const RunRow& row) {
    return !filters.empty() && std::all_of(filters.begin(), filters.end(), [&](const RowFilter& f) {
      return matches(f, row, table);
    });
  };
  request.train.reserve(rows.size());
  for (RunRow& row : rows) {
    const bool selected = std::all_of(
        selectors.begin(), selectors.end(),
        [&](const GroupSelector& s) { return cell_text(table, row, s.column) == s.value; });
    if (!selected) {
      ++unselected;
      continue;
    }
    if (!o.joint.empty()) row.group = *cell_text(table, row, o.joint);
    if (all(excludes, row))
      ++excluded;
    else if (all(holdouts, row))
      request.holdout.push_back(std::move(row));
    else
      request.train.push_back(std::move(row));
  }
  std::vector<RunRow>().swap(rows);  // the moved-from rows
  request.train.shrink_to_fit();
  if (excluded > 0) spdlog::info("excluded {} rows", excluded);
  if (!selectors.empty() && request.train.empty() && request.holdout.empty())
    throw InputError(
        {}, "--group",
        "no row has " + o.group.front() + " (" + std::to_string(unselected) + " rows left out)");

  const auto start = std::chrono::steady_clock::now();
  const FitReport report = make_fit_report(request, file, progress_line(g.quiet));
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
                     {"rows_read", rows_read},
                     {"rows_fitted", request.train.size()},
                     {"rows_excluded", excluded},
                     {"rows_held_out", request.holdout.size()},
                     {"rows_not_in_group", unselected},
                     {"method",
                      "Hoffmann et al. 2022 Approach 3: Huber (delta 1e-3) on log loss, L-BFGS "
                      "from a grid of initialisations; bootstrap over runs"},
                     {"options",
                      {{"form", o.form},
                       {"loss_column", o.loss_column},
                       {"bootstrap", o.bootstrap},
                       {"seed", o.seed},
                       {"final_only", o.final_only},
                       {"exclude", o.exclude},
                       {"holdout", o.holdout},
                       {"group", o.group},
                       {"joint", o.joint},
                       {"joint_params", o.joint.empty() ? "" : o.joint_params},
                       {"all_starts", o.all_starts}}},
                     {"scaleplan", SCALEPLAN_VERSION}};
  OutputFiles files;  // both outputs staged before either replaces a file
  if (!o.output.empty())
    // Every law file is checked by the law reader before any is written: fit never writes a
    // law that plan would reject.
    for (const auto& [path, content] : law_files(report, provenance, o.output, o.name))
      files.stage(path, content);
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
                  "CSV with columns params, tokens, loss [flops, run, step, seed, weight, "
                  "unique_tokens; others kept as metadata]; - for stdin")
      ->required();
  sub->add_option("-o,--output", o->output,
                  "Write the law YAML here (atomically; with --joint one file per group, "
                  "STEM.GROUP.yaml)");
  std::vector<std::string> forms;
  for (const auto& [name, form] : kForms) forms.push_back(name);
  sub->add_option("--form", o->form, "Law form")
      ->check(CLI::IsMember(forms))
      ->capture_default_str();
  sub->add_option("--loss-column", o->loss_column, "The column holding the loss to fit")
      ->capture_default_str();
  sub->add_option("--bootstrap", o->bootstrap, "Bootstrap resamples of runs (0: off)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of the bootstrap")
      ->check(finite_number(0, 18446744073709551615.0))  // CLI11 wraps "-1" to 2^64 - 1
      ->capture_default_str();
  sub->add_flag("--final-only", o->final_only, "Keep only the last checkpoint of each run");
  sub->add_option("--exclude", o->exclude,
                  "Drop rows matching COLUMN OP VALUE, e.g. 'loss>=3.44'; repeated: rows "
                  "matching all of them");
  sub->add_option("--holdout", o->holdout,
                  "Fit without rows matching COLUMN OP VALUE and report their prediction error; "
                  "repeated: rows matching all of them");
  sub->add_option("--group", o->group,
                  "Keep only rows whose COLUMN is VALUE, e.g. 'dataset=c4' (repeatable: all)");
  sub->add_option("--joint", o->joint,
                  "Fit every value of COLUMN at once: shared exponents, its own E per value");
  sub->add_option("--joint-params", o->joint_params,
                  "With --joint: the parameters each group has its own of (E, A, B; e.g. E,A,B)")
      ->capture_default_str();
  sub->add_flag("--all-starts", o->all_starts,
                "Run every start on every row, however many rows (the method without screening)");
  sub->add_option("--residuals", o->residuals, "Write each row's fitted loss and residual (CSV)");
  sub->add_option("--name", o->name, "Name recorded in the law file (default: its file stem)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_fit(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
