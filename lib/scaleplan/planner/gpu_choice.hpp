#pragma once
/// The GPU type as a lever: a budget may list several (hardware.gpu: [H100-SXM, B200]); each is
/// planned on its own, with its own prices, memory, interconnect and precisions, and the best
/// plan under the budget's objective wins (issue 13).

#include <optional>
#include <string>
#include <vector>

#include "scaleplan/planner/plan.hpp"

namespace scaleplan {

/// One GPU type of the list, planned alone.
struct GpuOption {
  const Gpu* gpu = nullptr;
  Budget budget;             ///< the budget as planned on this GPU (hardware.gpu = it alone)
  std::optional<Plan> plan;  ///< absent when this GPU has no run
  /// Why not, when `plan` is absent: the constraints no run meets, or what the GPU table lacks
  /// for this budget (a price), as one sentence.
  std::string unavailable;
  bool input_problem = false;  ///< `unavailable` is an input problem (a price), not infeasibility
};

/// The budget with its GPU list narrowed to `gpu`.
Budget budget_for_gpu(const Budget& budget, const Gpu& gpu);

/// Plans `budget` on each of `gpus` in order; never throws for one GPU's infeasibility or
/// missing price (that option records why).
std::vector<GpuOption> plan_each_gpu(const Budget& budget, const std::vector<const Gpu*>& gpus,
                                     const Law& law);

/// The option in a few figures (a row of `compare`, an entry of plan's gpu_options).
GpuAlternative summarize_gpu_option(const GpuOption& option);

/// The option whose plan is best under the budget's objective (lowest loss, lowest cost, most
/// profit; ties to the cheaper run: less spend in the budget's unit, then fewer dollars, then
/// the shorter wall-clock); nullopt when none has a plan.
std::optional<std::size_t> best_gpu_option(const std::vector<GpuOption>& options,
                                           const Budget& budget);

/// What a comparison of `types` GPU types under `budget` does not weigh, as a warning: a
/// GPU-hours budget minimising loss gives each type the same hours, not the same dollars;
/// nullopt otherwise.
std::optional<std::string> gpu_comparison_caveat(const Budget& budget, std::size_t types);

/// When no option has a plan: the first option's InputError when every option lacks what the
/// budget needs (a price), else an InfeasibleError naming each type and its reason: "no GPU
/// type " + which + " has a run (H100-SXM: ...; B200: ...)", which = "of hardware.gpu" or
/// "compared".
[[noreturn]] void throw_no_gpu_option(const std::vector<GpuOption>& options, const Law& law,
                                      const std::string& which);

/// The best plan over `gpus`, each alternative summarised in `plan.gpu_options` when there are
/// several. Throws InfeasibleError naming each GPU's reason when none has a run, and the first
/// InputError when every GPU lacks what the budget needs (a price).
Plan make_plan_over_gpus(const Budget& budget, const std::vector<const Gpu*>& gpus, const Law& law);

}  // namespace scaleplan
