#pragma once
/// Rendering results: a JSON tree (the contract in docs/output.md) printed as JSON or YAML, and
/// readable tables for people.

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>

#include "scaleplan/model/hardware.hpp"
#include "scaleplan/planner/plan.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan {

enum class OutputFormat { kTable, kJson, kYaml, kCsv, kGithub };
std::optional<OutputFormat> parse_format(const std::string& name);

/// Result trees keep their keys in the order written (the order docs/output.md lists them).
using Tree = nlohmann::ordered_json;

/// Prints a tree as pretty JSON or as block YAML with the same structure, after
/// require_finite(). Text that is not UTF-8 (a GPU name from a table, a run name) is printed
/// with U+FFFD in place of each bad byte: JSON and YAML are UTF-8 only.
void print_tree(const Tree& tree, OutputFormat format, std::ostream& out);
inline void print_tree(const nlohmann::json& tree, OutputFormat format, std::ostream& out) {
  print_tree(Tree(tree), format, out);
}

/// Width of tables written to files and pipes; on a terminal, its width (apps/ asks).
inline constexpr int kTableWidth = 100;

/// The `plan` result tree (docs/output.md), and the parts `check` shares with it.
/// The explain section of a plan: reasons, the spend against the budget, each marginal.
Tree explanation_to_json(const Explanation& explanation);
/// One GPU type of a budget's list as the planner compared it (plan's gpu_options, compare).
Tree gpu_alternative_to_json(const GpuAlternative& alternative);
/// The same in one line: "B200: loss 1.8341, 72B params on 1.3T tokens, 512 GPUs, $2.0M,
/// 29.1 days (chosen)".
std::string describe_gpu_alternative(const GpuAlternative& alternative);
Tree plan_to_json(const Plan& plan);
/// The plan's run as a run file for `scaleplan check` (docs/check.md): the full shape, layout,
/// batch, schedule, the budget's cluster, price and spot settings, `law` (a preset name or a
/// law file's path) and the data limit, so that check evaluates exactly the run plan did.
Tree plan_run_file(const Plan& plan, const Budget& budget, const std::string& law);
Tree layout_to_json(const Layout& layout);
Tree step_to_json(const Evaluation& evaluation);
Tree memory_to_json(const Evaluation& evaluation);
/// Repeated data (plan JSON "data"): epochs, U_D, D', U_N, N' and what repetition costs.
Tree data_to_json(const Evaluation& evaluation);
Tree shape_to_json(const Shape& shape);
std::string describe_layout(const Layout& layout);
/// The plan for people; long values wrap at `width` columns.
void print_plan_table(const Plan& plan, std::ostream& out, int width = kTableWidth);

/// The `gpus` listing.
Tree gpus_to_json(const GpuTable& table);
void print_gpus_table(const GpuTable& table, std::ostream& out);

/// The guard on every result: throws InfeasibleError (exit 3) naming the first number in
/// `tree` that is not finite ("predicted.loss = inf"), so that an overflow is never printed
/// as `null`, "nan" or "inf" with exit 0. Figures that are unknown by design (a cost without
/// a price) are explicit nulls, not NaN. Commands call it before printing any format.
void require_finite(const Tree& tree);

/// `x`, or JSON null when the figure is unknown by design (`known` false).
Tree number_or_null(double x, bool known);

}  // namespace scaleplan
