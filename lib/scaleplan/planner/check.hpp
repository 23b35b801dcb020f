#pragma once
/// Judging a proposed run (`scaleplan check`): the run is evaluated exactly as `plan` evaluates
/// its own recommendation, and each finding is pass, warn or fail with the figure and the
/// threshold it was held to (docs/check.md).

#include <optional>
#include <string>
#include <vector>

#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/planner/budget.hpp"
#include "scaleplan/planner/proposed_run.hpp"
#include "scaleplan/planner/run.hpp"

namespace scaleplan {

enum class Status { kPass, kWarn, kFail };
std::string to_string(Status s);

struct Finding {
  std::string name;  ///< cost, wall_clock, loss, regret, tokens_per_param, batch_size, memory, ...
  Status status = Status::kPass;
  double value = 0;
  std::optional<double> threshold;
  std::string message;
  std::string field;  ///< the run-file field it concerns (for the line of annotations)
};

/// Defaults, each overridable by a `check` flag.
struct CheckThresholds {
  double max_regret = 0.05;           ///< fail above: relative excess loss over the best run
  double warn_regret = 0.01;          ///< warn above
  double tokens_per_param_factor = 4; ///< warn when D/N is this far from the law's optimum
  double max_batch_over_critical = 10;  ///< fail above the law's optimal batch x this
  /// Warn when the batch costs more than this share of the loss (McCandlish's waste through the
  /// law, docs/check.md); fail above max_batch_loss.
  double warn_batch_loss = 0.01, max_batch_loss = 0.05;
  double lr_warn_factor = 2, lr_fail_factor = 10;  ///< vs DeepSeek's eta_opt
};

/// Limits a proposed run is judged against with this relative slack: a run written at exactly a
/// limit (as `plan --run-file` writes one) passes whatever the last digit printed.
inline constexpr double kCheckTolerance = 1e-6;

struct Regret {
  std::string objective = "loss";  ///< or "profit" (a --budget with objective maximize_profit)
  /// loss: (L_run - L_best) / L_best at the run's dollars; profit: (P_best - P_run) / |P_best|
  double value = 0;
  double best_loss = 0, best_params = 0, best_tokens = 0;
  double usd_to_match = 0;     ///< dollars the best run needs to reach the run's loss
  double run_usd = 0;
  /// The waste as a multiple (docs/check.md): the run's cost over the cost of the cheapest run
  /// on its hardware and under the same limits that reaches its loss. `cost_basis` says which
  /// cost: "training" (training dollars; minimize_loss, or no serving) or "lifetime" (training
  /// plus lifetime serving dollars, with a --budget whose objective is minimize_cost or
  /// maximize_profit and whose inference section serves queries: the inference-aware optimum,
  /// Sardana & Frankle 2023). `compute_multiple` is the same ratio of FLOPs (training 6ND-type
  /// FLOPs, plus 2 N per served token on the lifetime basis). 1 for the optimum itself; 0 when
  /// no cheaper run could be sized.
  std::string cost_basis = "training";
  double cost_multiple = 0, compute_multiple = 0;
  double optimum_usd = 0, optimum_flops = 0;  ///< the cheapest run's cost on that basis
  double run_basis_usd = 0, run_flops = 0;    ///< the run's own cost on that basis
};

struct CheckReport {
  TrainingRun run;          ///< the run as evaluated: the file's fields, the rest as plan would
  Evaluation evaluation;
  std::vector<Finding> findings;
  std::optional<Regret> regret;
  bool failed(bool strict) const;
};

/// The TrainingRun a run file describes: its shape (or the planner's shape for its params), its
/// layout fields with the rest chosen as `plan` would, its batch (or the planner's).
TrainingRun training_run_of(const ProposedRun& run, const Gpu& gpu);

/// Judges `run` against the law and the GPU table; `budget` (kind, amount, deadline, unique
/// tokens) adds its limits. Throws InputError for a GPU/precision the table cannot serve.
CheckReport check_run(const ProposedRun& run, const Gpu& gpu, const Law& law,
                      const std::optional<Budget>& budget, const CheckThresholds& thresholds);

}  // namespace scaleplan
