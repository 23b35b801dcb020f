#pragma once
/// The subcommands. Each `add_*_command` registers its options with CLI11 and, when the
/// subcommand is chosen, stores in `*action` the function main runs after parsing.

#include <CLI/CLI.hpp>

#include <functional>
#include <ostream>
#include <string>

#include "scaleplan/planner/budget.hpp"
#include "scaleplan/planner/plan.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/io/report.hpp"

namespace scaleplan::cli {

/// Options shared by every subcommand.
struct GlobalOptions {
  std::string format = "table";
  std::string gpus_file;  ///< empty: the compiled-in table
  std::string log_level = "warn";
  bool quiet = false;
};

/// Runs a subcommand: writes results to `out`; returns the exit code. Throws InputError or
/// InfeasibleError for main to report.
using Action = std::function<int(const GlobalOptions&, std::ostream& out)>;

void add_plan_command(CLI::App& app, Action* action);
void add_predict_command(CLI::App& app, Action* action);
void add_gpus_command(CLI::App& app, Action* action);
void add_laws_command(CLI::App& app, Action* action);
void add_fit_command(CLI::App& app, Action* action);
void add_check_command(CLI::App& app, Action* action);
void add_frontier_command(CLI::App& app, Action* action);
void add_isoflop_command(CLI::App& app, Action* action);
void add_schema_command(CLI::App& app, Action* action);
void add_examples_command(CLI::App& app, Action* action);
void add_init_command(CLI::App& app, Action* action);
void add_whatif_command(CLI::App& app, Action* action);
void add_compare_command(CLI::App& app, Action* action);

/// The JSON Schema of a file kind: budget, run, law or gpus.
Tree schema_of(const std::string& kind);

/// A budget file with what it names resolved: the GPU, the serving GPU, the law.
struct PlanInputs {
  Budget budget;
  GpuTable table;
  const Gpu* gpu = nullptr;       ///< in `table`: the first of `gpus`
  std::vector<const Gpu*> gpus;  ///< hardware.gpu resolved: one, or the list the budget gives
  Law law;
  std::string law_reference;  ///< the law as a run file names it: a preset or an absolute path
};
/// Reads BUDGET (or stdin for "-"); `law_override` (--law) replaces model.law when not empty.
PlanInputs load_plan_inputs(const std::string& budget_path, const std::string& law_override,
                            const GlobalOptions& options);

/// The budget of `in` as planned on the GPU the plan chose (hardware.gpu narrowed to it).
Budget chosen_budget(const PlanInputs& in, const Plan& plan);
/// The GPU of `in.gpus` the plan runs on.
const Gpu& chosen_gpu(const PlanInputs& in, const Plan& plan);

/// The --format value as an enum; InputError if the command does not offer it.
OutputFormat output_format(const GlobalOptions& options, bool csv_allowed,
                           bool github_allowed = false);

}  // namespace scaleplan::cli
