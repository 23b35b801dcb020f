// `scaleplan check RUN.yaml [--budget BUDGET.yaml]`: judge a proposed run in CI.

#include <filesystem>
#include <iomanip>
#include <memory>

#include "commands.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/planner/check.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/run_yaml.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan::cli {
namespace {

struct CheckOptions {
  std::string run_path, budget_path;
  bool strict = false;
  CheckThresholds thresholds;
  double max_regret_percent = 5;
};

Tree check_to_tree(const CheckReport& r, const ProposedRun& run) {
  Tree findings = Tree::array();
  for (const Finding& f : r.findings)
    findings.push_back({{"name", f.name},
                        {"status", to_string(f.status)},
                        {"value", number_or_null(f.value)},
                        {"threshold", f.threshold ? number_or_null(*f.threshold) : Tree(nullptr)},
                        {"message", f.message},
                        {"field", f.field},
                        {"line", run.position_of(f.field).line}});
  Tree t;
  t["findings"] = findings;
  if (r.regret)
    t["regret"] = {{"value", r.regret->value},
                   {"run_usd", r.regret->run_usd},
                   {"best_loss", r.regret->best_loss},
                   {"best_params", r.regret->best_params},
                   {"best_tokens", r.regret->best_tokens},
                   {"usd_to_match", r.regret->usd_to_match}};
  else
    t["regret"] = nullptr;
  return t;
}

int run_check(const CheckOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false, true);
  const std::string file = display_name(o.run_path);
  const ProposedRun run = parse_run(read_input(o.run_path), file);
  std::optional<Budget> budget;
  if (!o.budget_path.empty())
    budget = parse_budget(read_input(o.budget_path), display_name(o.budget_path));
  const GpuTable table = load_gpu_table(g.gpus_file);
  if (budget) resolve_serving_gpu(table, &*budget);
  const Gpu& gpu = resolve_gpu(table, run.gpu, run.position_of("run.gpu"), "run.gpu");
  const std::string base_dir =
      o.run_path == "-" ? "" : std::filesystem::path(o.run_path).parent_path().string();
  const Law law =
      load_law(run.context.law, base_dir, run.position_of("model.law"), "model.law");
  require_plannable(law, run.position_of("model.law"), "model.law");
  CheckThresholds t = o.thresholds;
  t.max_regret = o.max_regret_percent / 100;
  const CheckReport report = check_run(run, gpu, law, budget, t);

  if (format == OutputFormat::kGithub) {
    for (const Finding& f : report.findings) {
      if (f.status == Status::kPass) continue;
      out << (f.status == Status::kFail ? "::error" : "::warning") << " file=" << file
          << ",line=" << run.position_of(f.field).line << ",title=scaleplan " << f.name
          << "::" << f.name << ": " << f.message << "\n";
    }
  } else if (format == OutputFormat::kTable) {
    int counts[3] = {0, 0, 0};
    for (const Finding& f : report.findings) {
      out << std::left << std::setw(6) << to_string(f.status) << std::setw(18) << f.name
          << f.message << "\n";
      ++counts[static_cast<int>(f.status)];
    }
    out << "\n" << counts[0] << " pass, " << counts[1] << " warn, " << counts[2] << " fail"
        << (report.failed(o.strict) ? ": check failed" : "") << "\n";
  } else {
    print_tree(check_to_tree(report, run), format, out);
  }
  return report.failed(o.strict) ? static_cast<int>(ExitCode::kCheckFailed) : 0;
}

}  // namespace

void add_check_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand(
      "check", "Judge a proposed run: cost, loss, regret, batch, memory, LR, schedule, data");
  sub->add_option("run", o->run_path, "Run YAML file (- for stdin)")->required();
  sub->add_option("--budget", o->budget_path, "Budget YAML whose limits the run must meet");
  sub->add_flag("--strict", o->strict, "Warnings fail too (exit 1)");
  sub->add_option("--max-regret", o->max_regret_percent,
                  "Fail above this excess loss over the best run for the same dollars, percent")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--max-batch-over-critical", o->thresholds.max_batch_over_critical,
                  "Fail when batch_tokens exceeds the critical batch by this factor")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--max-epochs", o->thresholds.max_epochs,
                  "Fail above this many epochs over the unique data")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_check(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
