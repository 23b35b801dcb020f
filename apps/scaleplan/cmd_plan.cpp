// `scaleplan plan BUDGET`: the recommended training run for a budget file.

#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "terminal.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/planner/gpu_choice.hpp"
#include "scaleplan/planner/plan.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan::cli {

OutputFormat output_format(const GlobalOptions& options, bool csv_allowed, bool github_allowed) {
  const OutputFormat format = *parse_format(options.format);
  if ((format == OutputFormat::kCsv && !csv_allowed) ||
      (format == OutputFormat::kGithub && !github_allowed))
    throw InputError({}, "--format",
                     options.format + " is not offered by this command (use table, json, yaml" +
                         (csv_allowed ? ", csv" : "") + (github_allowed ? ", github" : "") + ")");
  return format;
}

PlanInputs load_plan_inputs(const std::string& budget_path, const std::string& law_override,
                            const GlobalOptions& options) {
  PlanInputs in;
  const InputText budget = read_file_or_example(budget_path);
  in.budget = parse_budget(budget.text, budget.name);
  in.table = load_gpu_table(options.gpus_file);
  resolve_serving_gpu(in.table, &in.budget);
  for (std::size_t i = 0; i < in.budget.gpu_choices.size(); ++i) {
    const SourcePos at = in.budget.position_of("hardware.gpu[" + std::to_string(i) + "]");
    const Gpu* gpu = &resolve_gpu(in.table, in.budget.gpu_choices[i], at, "hardware.gpu");
    for (const Gpu* earlier : in.gpus)
      if (earlier == gpu)
        throw InputError(at, "hardware.gpu",
                         quote(in.budget.gpu_choices[i]) + " names " + gpu->name +
                             ", which the list already has");
    in.gpus.push_back(gpu);
  }
  in.gpu = in.gpus.front();
  // A relative law path in a budget file is read from the budget file's folder.
  const std::string base_dir =
      budget_path == "-" ? "" : std::filesystem::path(budget_path).parent_path().string();
  in.law = law_override.empty() ? load_law(in.budget.law, base_dir,
                                           in.budget.position_of("model.law"), "model.law")
                                : load_law(law_override, "", {}, "--law");
  // What a run file names for this law: the preset, or the law file's absolute path (load_law
  // reads a path when it names an existing file).
  const std::string name = law_override.empty() ? in.budget.law : law_override;
  const std::filesystem::path file =
      std::filesystem::path(law_override.empty() ? base_dir : "") / name;
  std::error_code error;
  in.law_reference = std::filesystem::is_regular_file(file, error)
                         ? std::filesystem::absolute(file, error).lexically_normal().string()
                         : name;
  if (law_override.empty()) require_plannable(in.law, in.budget.position_of("model.law"), "model.law");
  else require_plannable(in.law, {}, "--law");
  return in;
}

const Gpu& chosen_gpu(const PlanInputs& in, const Plan& plan) {
  for (const Gpu* gpu : in.gpus)
    if (gpu->name == plan.run.gpu.name) return *gpu;
  return *in.gpu;
}

Budget chosen_budget(const PlanInputs& in, const Plan& plan) {
  return budget_for_gpu(in.budget, chosen_gpu(in, plan));
}

namespace {

struct PlanOptions {
  std::string budget_path;
  std::string law;  ///< overrides model.law
  std::string run_file;  ///< also write the recommendation as a run file for `check`
};

int run_plan(const PlanOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  const PlanInputs in = load_plan_inputs(o.budget_path, o.law, g);
  Plan plan = make_plan_over_gpus(in.budget, in.gpus, in.law);
  const Budget budget = chosen_budget(in, plan);
  plan.explanation = explain(budget, chosen_gpu(in, plan), in.law, plan);
  const Tree tree = plan_to_json(plan);
  require_finite(tree);
  // The result shows the warnings too: on a terminal that is where the reader sees them, so the
  // log would print them twice; logged when the result goes to a file or a pipe.
  if (!stdout_is_terminal())
    for (const std::string& w : plan.warnings) spdlog::warn("{}", printable(w, 1000));
  if (!o.run_file.empty()) {
    std::ostringstream run;
    run << "# The run `scaleplan plan` recommends for " << display_name(o.budget_path)
        << "; `scaleplan check` reads it (docs/check.md).\n";
    print_tree(plan_run_file(plan, budget, in.law_reference), OutputFormat::kYaml, run);
    write_file_atomically(o.run_file, run.str());
  }
  if (format == OutputFormat::kTable) print_plan_table(plan, out, table_width());
  else print_tree(tree, format, out);
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<PlanOptions>();
  CLI::App* sub = app.add_subcommand("plan", "Recommend the training run with the lowest loss");
  sub->add_option("budget", o->budget_path,
                  "Budget YAML file (- for stdin, example:NAME for a built-in example)")
      ->required();
  sub->add_option("--law", o->law, "Law preset or law YAML file, overriding model.law");
  sub->add_option("--run-file", o->run_file,
                  "Also write the recommended run to FILE as a run file for `check` (YAML)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_plan(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
