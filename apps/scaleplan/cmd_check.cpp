// `scaleplan check RUN.yaml [--budget BUDGET.yaml]`: judge a proposed run in CI.

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <memory>

#include "app.hpp"
#include "commands.hpp"
#include "terminal.hpp"
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
  std::string max_regret = "5%";
};

/// --max-regret: `5%`, or a bare fraction as JSON's regret.value is (0.05). A bare number of 1
/// or more is refused: it is almost surely a percent without its sign.
double parse_max_regret(const std::string& text) {
  const bool percent = !text.empty() && text.back() == '%';
  const std::string number = percent ? text.substr(0, text.size() - 1) : text;
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(v) || v <= 0)
    throw InputError({}, "--max-regret",
                     quote(text) + ": expected a percent such as 5% or a fraction such as 0.05");
  if (!percent && v >= 1)
    throw InputError({}, "--max-regret",
                     quote(text) + ": a bare number is a fraction, as JSON's regret.value (" +
                         fmt("%g", v / 100) + " for " + text + "%); write " + text +
                         "% for percent");
  return percent ? v / 100 : v;
}

Tree check_to_tree(const CheckReport& r, const ProposedRun& run) {
  Tree findings = Tree::array();
  for (const Finding& f : r.findings)
    findings.push_back({{"name", f.name},
                        {"status", to_string(f.status)},
                        // A cost is unknown (NaN) without a price; every other figure is a number.
                        {"value",
                         number_or_null(f.value, f.name != "cost" || !std::isnan(f.value))},
                        {"threshold", f.threshold ? Tree(*f.threshold) : Tree(nullptr)},
                        {"message", f.message},
                        {"field", f.field},
                        {"line", run.position_of(f.field).line}});
  Tree t;
  t["findings"] = findings;
  if (r.regret)
    t["regret"] = {{"objective", r.regret->objective},
                   {"value", r.regret->value},
                   {"run_usd", r.regret->run_usd},
                   {"best_loss", r.regret->best_loss},
                   {"best_params", r.regret->best_params},
                   {"best_tokens", r.regret->best_tokens},
                   {"usd_to_match", r.regret->usd_to_match},
                   {"cost_basis", r.regret->cost_basis},
                   {"run_basis_usd", r.regret->run_basis_usd},
                   {"optimum_usd", r.regret->optimum_usd},
                   {"cost_multiple", r.regret->cost_multiple},
                   {"run_flops", r.regret->run_flops},
                   {"optimum_flops", r.regret->optimum_flops},
                   {"compute_multiple", r.regret->compute_multiple}};
  else
    t["regret"] = nullptr;
  const TrainingRun& run_used = r.run;
  const Evaluation& e = r.evaluation;
  t["run"] = {{"params", run_used.params},
              {"tokens", run_used.tokens},
              {"shape", shape_to_json(run_used.shape)},
              {"precision", to_string(run_used.precision)},
              {"gpu", run_used.gpu.name},
              {"gpus", run_used.gpus},
              {"pricing", to_string(run_used.pricing)},
              {"batch_tokens", e.batch_tokens},
              {"batch_sequences", run_used.batch_sequences}};
  t["layout"] = layout_to_json(run_used.layout);
  t["step"] = step_to_json(e);
  t["memory"] = memory_to_json(e);
  t["predicted"] = {{"loss", e.loss}, {"data_efficiency", e.data_efficiency}};
  if (e.serving) {
    t["predicted"]["serving_tensor_parallel"] = e.serving->tensor_parallel;
    t["predicted"]["ptq_loss"] = e.ptq_loss;
    t["predicted"]["served_loss"] = e.served_loss;
  }
  if (e.data.applies) t["data"] = data_to_json(e);
  t["cost"] = {{"usd", number_or_null(e.cost.usd, !std::isnan(e.cost.usd))}, {"gpu_hours", e.cost.gpu_hours}};
  t["time"] = {{"wall_hours", e.cost.wall_hours}};
  return t;
}

int run_check(const CheckOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false, true);
  const InputText run_file = read_file_or_example(o.run_path);
  const std::string& file = run_file.name;
  const ProposedRun run = parse_run(run_file.text, file);
  std::optional<Budget> budget;
  if (!o.budget_path.empty()) {
    const InputText budget_file = read_file_or_example(o.budget_path);
    budget = parse_budget(budget_file.text, budget_file.name);
  }
  const GpuTable table = load_gpu_table(g.gpus_file);
  if (budget) resolve_serving_gpu(table, &*budget);
  const Gpu& gpu = resolve_gpu(table, run.gpu, run.position_of("run.gpu"), "run.gpu");
  const std::string base_dir =
      o.run_path == "-" ? "" : std::filesystem::path(o.run_path).parent_path().string();
  const Law law =
      load_law(run.context.law, base_dir, run.position_of("model.law"), "model.law");
  require_plannable(law, run.position_of("model.law"), "model.law");
  CheckThresholds t = o.thresholds;
  t.max_regret = parse_max_regret(o.max_regret);
  const CheckReport report = check_run(run, gpu, law, budget, t);
  const Tree tree = check_to_tree(report, run);
  require_finite(tree);

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
          << wrap(f.message, 24, static_cast<std::size_t>(table_width())) << "\n";
      ++counts[static_cast<int>(f.status)];
    }
    out << "\n" << counts[0] << " pass, " << counts[1] << " warn, " << counts[2] << " fail"
        << (report.failed(o.strict) ? ": check failed" : "") << "\n";
  } else {
    print_tree(tree, format, out);
  }
  return report.failed(o.strict) ? static_cast<int>(ExitCode::kCheckFailed) : 0;
}

}  // namespace

void add_check_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand(
      "check", "Judge a proposed run: cost, loss, regret, batch, memory, LR, schedule, data");
  sub->add_option("run", o->run_path, "Run YAML file (- for stdin, example:NAME built in)")
      ->required();
  sub->add_option("--budget", o->budget_path,
                  "Budget YAML (or example:NAME) whose limits the run must meet");
  sub->add_flag("--strict", o->strict, "Warnings fail too (exit 1)");
  sub->add_option("--max-regret", o->max_regret,
                  "Fail above this excess loss over the best run for the same dollars: 5% or a "
                  "fraction, 0.05 (as JSON regret.value)")
      ->capture_default_str();
  sub->add_option("--max-batch-over-critical", o->thresholds.max_batch_over_critical,
                  "Fail when batch_tokens exceeds the critical batch by this factor")
      ->check(positive_number())
      ->capture_default_str();
  sub->add_option("--warn-batch-loss", o->thresholds.warn_batch_loss,
                  "Warn when the batch costs more than this fraction of the loss (0.01 = 1%)")
      ->check(positive_number())
      ->capture_default_str();
  sub->add_option("--max-batch-loss", o->thresholds.max_batch_loss,
                  "Fail when the batch costs more than this fraction of the loss")
      ->check(positive_number())
      ->capture_default_str();
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_check(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
