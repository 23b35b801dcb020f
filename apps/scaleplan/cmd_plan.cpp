// `scaleplan plan BUDGET`: the recommended training run for a budget file.

#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "scaleplan/budget_yaml.hpp"
#include "scaleplan/configs.hpp"
#include "scaleplan/plan.hpp"
#include "scaleplan/yaml_input.hpp"

namespace scaleplan::cli {

OutputFormat output_format(const GlobalOptions& options, bool csv_allowed, bool github_allowed) {
  const OutputFormat format = *parse_format(options.format);
  if ((format == OutputFormat::kCsv && !csv_allowed) ||
      (format == OutputFormat::kGithub && !github_allowed))
    throw InputError({}, "--format",
                     options.format + " is not offered by this command (use table, json or yaml)");
  return format;
}

namespace {

struct PlanOptions {
  std::string budget_path;
  std::string law;  ///< overrides model.law
};

int run_plan(const PlanOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  const std::string file = display_name(o.budget_path);
  Budget budget = parse_budget(read_input(o.budget_path), file);
  const GpuTable table = load_gpu_table(g.gpus_file);
  resolve_serving_gpu(table, &budget);
  const Gpu& gpu =
      resolve_gpu(table, budget.gpu, budget.position_of("hardware.gpu"), "hardware.gpu");
  const std::string base_dir =
      o.budget_path == "-" ? "" : std::filesystem::path(o.budget_path).parent_path().string();
  const Law law = o.law.empty()
                      ? load_law(budget.law, base_dir, budget.position_of("model.law"), "model.law")
                      : load_law(o.law, "", {}, "--law");
  const Plan plan = make_plan(budget, gpu, law);
  for (const std::string& w : plan.warnings) spdlog::warn("{}", w);
  if (format == OutputFormat::kTable) print_plan_table(plan, out);
  else print_tree(plan_to_json(plan), format, out);
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<PlanOptions>();
  CLI::App* sub = app.add_subcommand("plan", "Recommend the training run with the lowest loss");
  sub->add_option("budget", o->budget_path, "Budget YAML file (- for stdin)")->required();
  sub->add_option("--law", o->law, "Law preset or law YAML file, overriding model.law");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_plan(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
