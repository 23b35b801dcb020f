#include "scaleplan/planner/run.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace scaleplan {

double deepseek_compute(double params, const Shape& shape, int seq_len, double tokens) {
  return (6 * params + 12.0 * shape.n_layer * shape.d_model * seq_len) * tokens;
}

HyperparameterInputs hyperparameter_inputs(double params, const Shape& shape, int seq_len,
                                           double tokens) {
  return {.deepseek_flops = deepseek_compute(params, shape, seq_len, tokens),
          .non_embedding_params = params,
          .tokens = tokens};
}

Hyperparameters optimal_hyperparameters(HyperparameterLaw law, double params, const Shape& shape,
                                        int seq_len, double tokens) {
  return optimal_hyperparameters(law, hyperparameter_inputs(params, shape, seq_len, tokens));
}

double optimal_batch_tokens(HyperparameterLaw law, double params, const Shape& shape, int seq_len,
                            double tokens) {
  return optimal_hyperparameters(law, params, shape, seq_len, tokens).batch_tokens;
}

double target_batch_tokens(HyperparameterLaw law, double params, const Shape& shape, int seq_len,
                           double tokens) {
  return std::min(optimal_batch_tokens(law, params, shape, seq_len, tokens),
                  tokens / static_cast<double>(kMinOptimizerSteps));
}

double noise_batch_tokens(CriticalBatchLaw critical_batch, HyperparameterLaw law, double params,
                          const Shape& shape, int seq_len, double tokens) {
  return noise_batch_tokens(critical_batch, optimal_batch_tokens(law, params, shape, seq_len, tokens),
                            tokens);
}

LawForm law_form_for(const Law& law, const Shape& shape) {
  return form_at_experts(law.form, is_moe(shape) ? shape.moe.experts : 1);
}

double law_params(const Law& law, const Shape& shape, double params) {
  return params + (counts_embeddings(law.form) ? embedding_params(shape) : 0);
}

RunContext context_of(const Budget& b, const Law& law) {
  RunContext c;
  c.law = &law;
  c.flops_convention = b.flops_per_token;
  c.goodput = b.goodput.value_or(kDefaultGoodput);
  c.mfu = b.mfu;
  c.spot = b.spot;
  c.budget_kind = b.kind;
  c.budget_amount = b.amount;
  c.deadline_hours = b.deadline_hours;
  c.unique_tokens = b.unique_tokens;
  c.params_bounds = b.params_bounds;
  c.tokens_bounds = b.tokens_bounds;
  c.tokens_per_param_bounds = b.tokens_per_param_bounds;
  c.max_epochs = b.max_epochs;
  c.precision_quality = b.precision_quality;
  c.pools = b.sources;
  return c;
}

double run_law_loss(const LawForm& form, const RunContext& c, double quality, double params,
                    double tokens, double efficiency, DataTerms* data, PoolMix* mix) {
  // plan and check admit pools only with a law of the Chinchilla form (pools_problem).
  const std::optional<ChinchillaLaw> law = c.pools.empty() ? std::nullopt : as_chinchilla(form);
  assert(c.pools.empty() || law);
  if (law) {
    PoolMix m = best_pool_mix(law->b, c.pools, efficiency * tokens);
    const double l = law->e + law->a / std::pow(quality * params, law->alpha) + m.data_term;
    if (data) *data = data_terms(form, params, tokens, 0);
    if (mix) *mix = std::move(m);
    return l;
  }
  const DataTerms t = data_terms(form, params, tokens, c.unique_tokens.value_or(0));
  if (data) *data = t;
  return base_loss(form, quality * t.effective_params, efficiency * t.effective_tokens);
}

std::string pools_problem(const RunContext& c, const LawForm& form) {
  if (c.pools.empty() || as_chinchilla(form)) return "";
  return "pools with a quality need a law of the form E + A / N^alpha + B / D^beta (hoffmann2022, "
         "besiroglu2024, gadre2024_*, muennighoff2023 or a fitted Chinchilla law)";
}

double quality_factor(const RunContext& c, Precision p) {
  const auto it = c.precision_quality.find(p);
  return it != c.precision_quality.end() ? it->second : precision_traits(p).quality_params_factor;
}

bool Evaluation::feasible(double tolerance) const { return violated(tolerance).empty(); }

std::vector<std::string> Evaluation::violated(double tolerance) const {
  std::vector<std::string> names;
  for (const ConstraintValue& c : constraints)
    if (!c.met(tolerance)) names.emplace_back(c.name);
  return names;
}

std::vector<std::string> Evaluation::binding() const {
  std::vector<std::string> names;
  for (const ConstraintValue& c : constraints)
    if (c.value >= c.limit * (1 - kBindingTolerance)) names.emplace_back(c.name);
  return names;
}

namespace {

double budget_flops_per_token(const TrainingRun& r, FlopsConvention convention) {
  if (convention == FlopsConvention::k6N) return 6 * r.params;
  return 6 * r.params + model_flops_per_token(r.shape, r.seq_len) -
         6 * non_embedding_params(r.shape);
}

/// The caps at the replica's tensor-parallel degree: the one `serve` chose (or was given), or
/// when none serves the largest it tried.
void add_serving_constraints(const ServingInputs& in, double params, Evaluation* e) {
  e->serving = serve(in, params);
  const int tp = e->serving->tensor_parallel;
  e->constraints.push_back({"inference.latency_ms_per_token",
                            1e3 * decode_step_seconds(in, params, 1, tp), in.latency_ms_per_token});
  if (in.ttft_ms && e->serving->feasible)
    e->constraints.push_back({"inference.ttft_ms", e->serving->ttft_ms, *in.ttft_ms});
  e->constraints.push_back(
      {"inference.gpu", serving_memory_bytes(in, params) / tp, usable_memory_bytes(in.gpu)});
}

/// A user's bounds on one lever as constraints (value <= limit either way): a minimum is met
/// when min <= x, a maximum when x <= max, each named for its key ("model.params.max").
void add_bounds(std::string_view min_name, std::string_view max_name, const Bounds& bounds,
                double x, Evaluation* e) {
  if (bounds.min) e->constraints.push_back({min_name, *bounds.min, x});
  if (bounds.max) e->constraints.push_back({max_name, x, *bounds.max});
}

}  // namespace

ServingInputs serving_inputs_for(ServingInputs serving, const Shape& shape) {
  // The run's own attention: grouped-query attention shrinks the KV cache it serves with.
  if (shape.n_head > 0 && shape.n_kv_heads > 0)
    serving.kv_head_fraction = static_cast<double>(shape.n_kv_heads) / shape.n_head;
  // Its own width over depth, which the KV cache and the TP all-reduces scale with.
  if (shape.n_layer > 0 && shape.d_model > 0)
    serving.aspect_ratio = static_cast<double>(shape.d_model) / shape.n_layer;
  // An MoE serves from its total weights, reading the experts a batch touches.
  if (is_moe(shape)) {
    serving.total_params_factor = total_non_embedding_params(shape) / non_embedding_params(shape);
    serving.routed_share =
        shape.n_layer * routed_expert_params(shape) / total_non_embedding_params(shape);
    serving.experts = shape.moe.experts;
    serving.top_k = shape.moe.top_k;
  }
  return serving;
}

Evaluation evaluate(const TrainingRun& r, const RunContext& c) {
  return evaluate(r, c, micro_batch_time(r.shape, r.seq_len, r.layout, r.gpu, r.precision));
}

Evaluation evaluate(const TrainingRun& r, const RunContext& c, const MicroBatchTime& micro_batch) {
  Evaluation e;
  const Layout& l = r.layout;
  // The run's params are what the law sees (active, non-embedding); the shape's ratio of total to
  // active weights carries over to the continuous N the search evaluates between shapes.
  const double shape_active = non_embedding_params(r.shape);
  const double total_ratio =
      shape_active > 0 ? total_non_embedding_params(r.shape) / shape_active : 1;
  e.active_params = r.params + embedding_params(r.shape);
  e.total_params = r.params * total_ratio + embedding_params(r.shape);
  const long long unit = static_cast<long long>(l.data_parallel) * l.micro_batch_size;
  const int micro_batches =
      static_cast<int>(std::max(1LL, (r.batch_sequences + unit - 1) / unit));
  e.batch_tokens = r.batch_sequences * r.seq_len;

  e.step = step_time(micro_batch, l, micro_batches, r.gpu);
  const double model_flops = model_flops_per_token(r.shape, r.seq_len);
  const double peak = peak_flops_per_s(r.gpu, matmul_precision(r.gpu, r.precision)) * r.gpus;
  const double counted_flops = budget_flops_per_token(r, c.flops_convention);
  if (c.mfu) {  // a measured MFU (of the FLOPs the budget counts) replaces the step time
    const double seconds = static_cast<double>(e.batch_tokens) * counted_flops / (*c.mfu * peak);
    const double scale = seconds / e.step.seconds;
    for (double* part : {&e.step.compute_s, &e.step.bubble_s, &e.step.tp_comm_s, &e.step.cp_comm_s,
                         &e.step.ep_comm_s,
                         &e.step.pp_comm_s, &e.step.dp_comm_s, &e.step.optimizer_s,
                         &e.step.overhead_s, &e.step.seconds})
      *part *= scale;
  }
  e.tokens_per_second = static_cast<double>(e.batch_tokens) / e.step.seconds;
  e.mfu = model_flops * e.tokens_per_second / peak;

  const Hyperparameters optimum =
      optimal_hyperparameters(r.hyperparameter_law, r.params, r.shape, r.seq_len, r.tokens);
  e.optimal_batch_tokens = optimum.batch_tokens;
  e.optimal_learning_rate = optimum.learning_rate;
  e.noise_batch_tokens = noise_batch_tokens(r.critical_batch, e.optimal_batch_tokens, r.tokens);
  e.data_efficiency = batch_data_efficiency(static_cast<double>(e.batch_tokens),
                                            e.optimal_batch_tokens, e.noise_batch_tokens);
  // Repetition acts on the run's own N and D (Muennighoff et al. 2023, Eq. 5-6); precision and
  // batch then scale what the law sees.
  // The law at the run's experts, and its N: active parameters, with embeddings where it counts
  // them (the joint MoE law, Ludziejewski et al. 2025 App. A.1).
  const LawForm form = law_form_for(*c.law, r.shape);
  const double n = law_params(*c.law, r.shape, r.params);
  const double quality = quality_factor(c, r.precision);
  e.precision_quality = quality;
  PoolMix mix;
  e.loss = run_law_loss(form, c, quality, n, r.tokens, e.data_efficiency, &e.data, &mix);
  if (!c.pools.empty()) e.pools = std::move(mix);
  if (e.data_efficiency < 1)
    e.batch_loss = e.loss - run_law_loss(form, c, quality, n, r.tokens, 1.0);
  if (e.data.applies && c.pools.empty()) {
    const double fresh = base_loss(form, quality * e.data.effective_params,
                                   e.data_efficiency * r.tokens);
    e.repetition_loss = e.loss - fresh;
    e.excess_params_loss =
        fresh - base_loss(form, quality * n, e.data_efficiency * r.tokens);
  }
  e.recipe = make_recipe(optimum.learning_rate, r.tokens, e.batch_tokens, r.schedule);

  e.cost = training_cost(counted_flops, r.tokens, e.tokens_per_second, c.goodput,
                         r.usd_per_gpu_hour, r.gpus);
  e.deadline_wall_hours = e.cost.wall_hours;
  if (r.pricing == Pricing::kSpot) {
    const SpotEffect s = spot_effect(c.spot, r.params * total_ratio, r.gpus);
    const double base_wall = e.cost.wall_hours;
    e.cost.gpu_hours *= s.time_multiplier;
    e.cost.usd *= s.time_multiplier;
    e.cost.wall_hours *= s.time_multiplier;
    SpotFigures f;
    f.interruptions_expected = s.interruptions_per_hour * e.cost.wall_hours;
    f.checkpoint_interval_minutes = 60 * s.checkpoint_interval_hours;
    f.lost_work_fraction = s.lost_work_fraction;
    f.wall_hours_p90 = spot_wall_hours_p90(s, base_wall, c.spot.restart_hours);
    e.spot = f;
    if (s.interruptions_per_hour > 0)
      e.constraints.push_back({"spot.checkpoint_hours", s.checkpoint_hours,
                               kMaxCheckpointShareOfMtbi / s.interruptions_per_hour});
    // The p90 of a small Poisson count is 0 interruptions, below the expected wall-clock that
    // counts the checkpoint writes: the deadline holds the larger.
    e.deadline_wall_hours = std::max(f.wall_hours_p90, e.cost.wall_hours);
  }

  e.memory = training_memory(r.shape, r.seq_len, l, micro_batches);
  e.memory_limit = usable_memory_bytes(r.gpu);

  if (c.budget_kind) {
    const double spent = *c.budget_kind == BudgetKind::kUsd        ? e.cost.usd
                         : *c.budget_kind == BudgetKind::kGpuHours ? e.cost.gpu_hours
                                                                   : e.cost.flops;
    e.constraints.push_back({budget_field(*c.budget_kind), spent, c.budget_amount});
  }
  if (c.deadline_hours)
    e.constraints.push_back({"budget.deadline_hours", e.deadline_wall_hours, *c.deadline_hours});
  if (c.unique_tokens && c.max_epochs)  // value in proportion to D, as the search needs
    e.constraints.push_back({"data.max_epochs", r.tokens / *c.unique_tokens, *c.max_epochs});
  if (!c.pools.empty() && c.max_epochs) {  // epochs over every pool's unique tokens
    double unique = 0;
    for (const DataPool& pool : c.pools) unique += pool.unique_tokens;
    e.constraints.push_back({"data.max_epochs", r.tokens / unique, *c.max_epochs});
  }
  add_bounds("model.params.min", "model.params.max", c.params_bounds, r.params, &e);
  add_bounds("data.tokens.min", "data.tokens.max", c.tokens_bounds, r.tokens, &e);
  add_bounds("data.tokens_per_param.min", "data.tokens_per_param.max", c.tokens_per_param_bounds,
             r.tokens / r.params, &e);
  e.constraints.push_back({"memory", e.memory.total(), e.memory_limit});
  if (c.min_optimizer_steps > 0)  // met when the run takes at least that many steps
    e.constraints.push_back({"optimizer_steps", static_cast<double>(c.min_optimizer_steps),
                             static_cast<double>(e.recipe.schedule.total_steps)});
  e.served_loss = e.loss;
  if (c.serving) {
    add_serving_constraints(serving_inputs_for(*c.serving, r.shape), r.params, &e);
    e.ptq_loss = ptq_loss_increase(c.serving->precision, r.params, r.tokens);
    e.served_loss = e.loss + e.ptq_loss;
  }
  return e;
}

}  // namespace scaleplan
