#pragma once
/// One candidate training run as a value, and its one evaluation: the figures `plan`, `check`
/// and `frontier` all report come from `evaluate`, so they cannot disagree about the same run.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/cost.hpp"
#include "scaleplan/model/data.hpp"
#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/inference.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/model/layout.hpp"
#include "scaleplan/model/memory.hpp"
#include "scaleplan/model/precision.hpp"
#include "scaleplan/model/recipe.hpp"
#include "scaleplan/model/spot.hpp"
#include "scaleplan/model/throughput.hpp"
#include "scaleplan/planner/budget.hpp"

namespace scaleplan {

/// Everything that describes a run. `params` is what the law sees: the shape's non-embedding
/// count for a concrete run; the search also evaluates continuous N between shapes.
struct TrainingRun {
  double params = 0;
  double tokens = 0;
  Shape shape;
  int seq_len = 4096;
  Precision precision = Precision::kBf16;
  Gpu gpu;  ///< with the budget's cluster overrides applied
  int gpus = 0;
  Layout layout;
  long long batch_sequences = 0;  ///< global batch
  Pricing pricing = Pricing::kOnDemand;  ///< on_demand or spot
  double usd_per_gpu_hour = 0;            ///< NaN when the price is unknown
  ScheduleKind schedule = ScheduleKind::kWsd;
  /// The law the peak LR and the optimal batch come from (model.hyperparameter_law).
  HyperparameterLaw hyperparameter_law = kDefaultHyperparameterLaw;
  /// Where the batch-noise scale comes from (model.critical_batch, recipe.hpp).
  CriticalBatchLaw critical_batch = kDefaultCriticalBatchLaw;
};

/// The compute DeepSeek LLM 2024's batch and learning-rate laws (Sec. 3.1 Eq. 1) are written in:
/// C = M D with M the non-embedding FLOPs per token including attention, 72 n_layer d^2 +
/// 12 n_layer d seq (Eq. 2; 6 params + 12 n_layer d seq here).
double deepseek_compute(double params, const Shape& shape, int seq_len, double tokens);
/// What the hyperparameter laws are written in, for a run of `params` (non-embedding) on `tokens`.
HyperparameterInputs hyperparameter_inputs(double params, const Shape& shape, int seq_len,
                                           double tokens);
/// The law's optimal peak LR and batch (tokens) for that run (recipe.hpp).
Hyperparameters optimal_hyperparameters(HyperparameterLaw law, double params, const Shape& shape,
                                        int seq_len, double tokens);
/// The law's B_opt, in tokens.
double optimal_batch_tokens(HyperparameterLaw law, double params, const Shape& shape, int seq_len,
                            double tokens);
/// The batch a run is planned at: the optimum, or smaller when the optimum would leave fewer
/// than kMinOptimizerSteps steps (below the optimum no data is wasted, McCandlish et al. 2018).
double target_batch_tokens(HyperparameterLaw law, double params, const Shape& shape, int seq_len,
                           double tokens);

/// B_noise in tokens for a run (recipe.hpp: noise_batch_tokens at the law's unclamped B_opt).
double noise_batch_tokens(CriticalBatchLaw critical_batch, HyperparameterLaw law, double params,
                          const Shape& shape, int seq_len, double tokens);

/// The form of `law` a run of `shape` sees: the joint MoE law at the shape's expert count (dense:
/// E = 1), any other law as it is (law.hpp: form_at_experts).
LawForm law_form_for(const Law& law, const Shape& shape);
/// The N the law sees for a run of `params` non-embedding (active) parameters on `shape`: with
/// the embeddings where the law counts them (law.hpp: counts_embeddings).
double law_params(const Law& law, const Shape& shape, double params);

/// What a run is judged in: the law, how compute and time are counted, the limits.
struct RunContext {
  const Law* law = nullptr;
  FlopsConvention flops_convention = FlopsConvention::kDetailed;
  double goodput = kDefaultGoodput;
  /// hardware.mfu: the achieved share of peak on the FLOPs `flops_convention` counts; replaces
  /// the step-time model (its parts scaled alike).
  std::optional<double> mfu;
  SpotInputs spot;
  std::optional<ServingInputs> serving;
  std::optional<BudgetKind> budget_kind;  ///< with budget_amount: the budget's limit
  double budget_amount = 0;
  std::optional<double> deadline_hours;
  /// Unique tokens (data.unique_tokens): repeated data cost loss through the law (data.hpp).
  std::optional<double> unique_tokens;
  Bounds params_bounds, tokens_bounds, tokens_per_param_bounds;  ///< the budget's own limits
  std::optional<double> max_epochs;  ///< data.max_epochs: a cap on D / unique_tokens
  /// model.precision_quality: the user's quality factors, replacing Kumar et al.'s.
  std::map<Precision, double> precision_quality;
  /// data.sources with qualities: the data term is the best mix of these pools (data_pools.hpp)
  /// instead of the law's B / D^beta; empty: the law's own (with unique_tokens, Muennighoff's).
  std::vector<DataPool> pools;
  /// The fewest optimizer steps a run may take (the planner's rule, recipe.hpp); 0 for `check`,
  /// which judges a proposed run as written and reports its steps.
  long long min_optimizer_steps = kMinOptimizerSteps;
};

/// The context a budget file describes.
RunContext context_of(const Budget& budget, const Law& law);

/// The law's loss of a run of `params` on `tokens` (data efficiency `efficiency`) trained at
/// quality factor `quality`, as `evaluate` judges it: with pools E + A / (q N)^alpha + the best
/// mix's data term at e D (Goyal et al. 2024); else L(q N', e D') with Muennighoff's N', D'
/// (data.hpp). `form` may be a bootstrap sample of the context's law. Fills `data` and `mix`.
double run_law_loss(const LawForm& form, const RunContext& context, double quality,
                    double params, double tokens, double efficiency, DataTerms* data = nullptr,
                    PoolMix* mix = nullptr);

/// Why the context's data pools cannot be judged under `form` ("" when they can): pools need a
/// law of the Chinchilla form (its B and alpha; data_pools.hpp).
std::string pools_problem(const RunContext& context, const LawForm& form);

/// The quality factor q = N_eff / N a run trained at `p` has: the budget's
/// model.precision_quality where given, else Kumar et al. 2024's (precision.hpp).
double quality_factor(const RunContext& context, Precision p);

/// A constraint's value and limit (value <= limit to be met), named by its budget field.
struct ConstraintValue {
  std::string_view name;  ///< static storage: evaluations are many and cheap
  double value = 0, limit = 0;
  bool met(double tolerance = 0) const { return value <= limit * (1 + tolerance); }
};

/// What spot capacity does to the run.
struct SpotFigures {
  double interruptions_expected = 0;
  double checkpoint_interval_minutes = 0;  ///< infinite without interruptions
  double lost_work_fraction = 0;
  double wall_hours_p90 = 0;
};

struct Evaluation {
  /// Parameters with embeddings: the active ones a token uses (what FLOPs count; the run's
  /// params plus embeddings) and the total memory holds (an MoE's every expert); equal when
  /// dense.
  double active_params = 0, total_params = 0;
  /// L(q N', e D'): N' and D' from repeated data (data.hpp), q the precision's quality factor, e
  /// the batch's data efficiency.
  double loss = 0;
  double precision_quality = 1;  ///< q, quality_factor(context, run.precision)
  DataTerms data;                ///< epochs, U_D, U_N, D', N' (applies = false: none)
  std::optional<PoolMix> pools;  ///< with data.sources qualities: the pools kept, tokens drawn
  /// What repetition costs, in loss: the repeated tokens L(q N', e D') - L(q N', e D), and the
  /// excess parameters L(q N', e D) - L(q N, e D). Zero when no data terms apply.
  double repetition_loss = 0, excess_params_loss = 0;
  /// With a serving model: the loss post-training quantization to the serving precision adds
  /// (Kumar et al. 2024, Eq. 2, inference.hpp) and the served model's loss, loss + ptq_loss,
  /// which the profit and minimize_cost objectives use. Without one: 0 and `loss`.
  double ptq_loss = 0, served_loss = 0;
  double data_efficiency = 1;    ///< D_eff / D from the batch (recipe.hpp)
  /// What the batch costs in loss: loss at the run's data efficiency minus the loss with none
  /// wasted (McCandlish's E = E_min (1 + B/B_noise) through the run's law); 0 at or below B*.
  double batch_loss = 0;
  /// The hyperparameter law's optimum for the run (unrounded; the recipe rounds the LR).
  double optimal_batch_tokens = 0, optimal_learning_rate = 0;
  double noise_batch_tokens = 0;  ///< B_noise under run.critical_batch
  long long batch_tokens = 0;
  StepTime step;
  double tokens_per_second = 0;  ///< whole job, no failures
  double mfu = 0;                ///< model FLOPs / (step time x peak at the run's precision)
  MemoryUse memory;              ///< bytes per GPU
  double memory_limit = 0;       ///< usable bytes per GPU
  TrainingCost cost;             ///< expected: goodput and spot interruptions included
  std::optional<SpotFigures> spot;
  double deadline_wall_hours = 0;  ///< what the deadline is held to: on spot the larger of p90 and expected
  std::optional<Serving> serving;
  std::vector<ConstraintValue> constraints;  ///< every limit the context sets, and memory
  Recipe recipe;

  bool feasible(double tolerance = 0) const;
  /// Names of the constraints not met, or (`binding`) within kBindingTolerance of their limit.
  std::vector<std::string> violated(double tolerance = 0) const;
  std::vector<std::string> binding() const;
};

/// Relative tolerance within which a constraint counts as binding.
inline constexpr double kBindingTolerance = 1e-4;

/// The serving inputs for a model of `shape`: its grouped-query attention's KV heads, and for an
/// MoE its total / active weights and the experts a decode batch touches (what `evaluate` serves
/// with, and what the planner's serving cap on N must use for an MoE candidate).
ServingInputs serving_inputs_for(ServingInputs base, const Shape& shape);

Evaluation evaluate(const TrainingRun& run, const RunContext& context);
/// The same evaluation with the run's micro_batch_time already computed (the planner reuses it
/// while it sizes D for a fixed shape and layout).
Evaluation evaluate(const TrainingRun& run, const RunContext& context,
                    const MicroBatchTime& micro_batch);

}  // namespace scaleplan
