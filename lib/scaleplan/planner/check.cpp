#include "scaleplan/planner/check.hpp"

#include <algorithm>
#include <cmath>

#include "scaleplan/planner/plan.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan {
namespace {

std::optional<double> price_of(const ProposedRun& run, const Gpu& gpu) {
  if (run.pricing == Pricing::kSpot)
    return run.context.price_spot_usd_per_gpu_hour ? run.context.price_spot_usd_per_gpu_hour
                                                   : gpu.price_spot_usd_per_gpu_hour;
  return run.context.price_on_demand_usd_per_gpu_hour ? run.context.price_on_demand_usd_per_gpu_hour
                                                      : gpu.price_on_demand_usd_per_gpu_hour;
}

/// What the regret compares against: the limits the run must meet and, with --budget, that
/// budget (its serving section and objective).
struct Basis {
  const RunContext& limits;
  const std::optional<Budget>& budget;
  bool profit() const {
    return budget && budget->objective == Objective::kMaximizeProfit && budget->inference &&
           budget->roi;
  }
};

/// The budget `make_plan` needs to find the best run for `usd` on the run's own GPUs: same type,
/// count, precision, price kind and cluster, the same data and deadline limits, and the
/// --budget's serving caps (and its profit objective, when it has one), and the --budget's
/// shapes: its aspect ratio and, under a law with an expert term, the architectures it allows.
Budget same_hardware_budget(const ProposedRun& run, const Basis& basis, const Law& law,
                            double usd, bool for_loss) {
  Budget b = run.context;
  b.kind = BudgetKind::kUsd;
  b.amount = usd;
  b.deadline_hours = basis.limits.deadline_hours;
  b.unique_tokens = basis.limits.unique_tokens;
  b.params_bounds = basis.limits.params_bounds;
  b.tokens_bounds = basis.limits.tokens_bounds;
  b.tokens_per_param_bounds = basis.limits.tokens_per_param_bounds;
  b.max_epochs = basis.limits.max_epochs;
  b.sources = basis.limits.pools;
  b.precision_quality = basis.limits.precision_quality;
  b.count = run.gpus;
  b.max_count.reset();
  b.objective = Objective::kMinimizeLoss;
  b.inference.reset();
  b.roi.reset();
  if (basis.budget) {
    // The best run is sought among the runs the budget's plan searches: a plan's run file does
    // not carry these (hostile-input findings H1, H3: regret against the wrong shapes).
    b.aspect_ratio = basis.budget->aspect_ratio;
    if (knows_experts(law.form)) {
      b.architectures = basis.budget->architectures;
      b.experts = basis.budget->experts;
      b.top_k = basis.budget->top_k;
    }
    b.inference = basis.budget->inference;
    if (basis.profit() && !for_loss) {
      b.objective = Objective::kMaximizeProfit;
      b.roi = basis.budget->roi;
    }
  }
  return b;
}

/// The best run `usd` buys on the run's hardware (the lowest loss, or with a profit objective
/// the most profit unless `for_loss`), or nullopt when nothing fits.
std::optional<Plan> best_plan_for(const ProposedRun& run, const Basis& basis, const Gpu& gpu,
                                  const Law& law, double usd, bool for_loss = false) {
  try {
    return make_plan(same_hardware_budget(run, basis, law, usd, for_loss), gpu, law);
  } catch (const InfeasibleError&) {
    return std::nullopt;
  }
}

std::optional<double> best_loss_for(const ProposedRun& run, const Basis& basis, const Gpu& gpu,
                                    const Law& law, double usd) {
  const std::optional<Plan> plan = best_plan_for(run, basis, gpu, law, usd, true);
  if (!plan) return std::nullopt;
  return plan->evaluation.loss;
}

/// The dollars the best run needs to reach `target`: the best loss falls with money (a property
/// the planner's tests check), so a bracket halving from `upper` and regula falsi on
/// (log usd, log(loss - target)) settle it in a few plans.
double usd_to_reach(const ProposedRun& run, const Basis& basis, const Gpu& gpu, const Law& law,
                    double target, double upper) {
  double hi = upper, lo = upper;
  for (int i = 0; i < 40; ++i) {
    lo /= 2;
    const std::optional<double> l = best_loss_for(run, basis, gpu, law, lo);
    if (!l || *l >= target) break;
    hi = lo;
  }
  for (int i = 0; i < 24 && hi / lo > 1 + 1e-4; ++i) {
    const double mid = std::sqrt(lo * hi);
    const std::optional<double> l = best_loss_for(run, basis, gpu, law, mid);
    (l && *l <= target ? hi : lo) = mid;
  }
  return hi;
}

/// Whether the waste multiple counts lifetime dollars: a --budget whose objective values serving
/// (minimize_cost, maximize_profit) with queries to serve, a law minimize_cost can invert, and a
/// run that can be served.
bool lifetime_basis(const Basis& basis, const Law& law, const Evaluation& e) {
  const std::optional<Budget>& b = basis.budget;
  return b && b->objective != Objective::kMinimizeLoss && b->inference &&
         b->inference->lifetime_queries > 0 && std::holds_alternative<ChinchillaLaw>(law.form) &&
         e.serving && e.serving->feasible;
}

/// Training FLOPs plus 2 N per served token (Sardana & Frankle 2023, Sec. 2), on the basis.
double basis_flops(const Evaluation& e, double params, const Basis& basis, bool lifetime) {
  if (!lifetime) return e.cost.flops;
  const InferenceBudget& in = *basis.budget->inference;
  return e.cost.flops +
         2 * params * (in.prompt_tokens + in.tokens_per_query) * in.lifetime_queries;
}

/// The waste multiple (docs/check.md): the run's cost over the cheapest run's that reaches the
/// run's loss on the same hardware and limits. On the training basis that run is the best run
/// for `usd_to_match` training dollars; on the lifetime basis it is `plan`'s minimize_cost run
/// with target_loss = the run's served loss, its training dollars capped at the run's lifetime
/// dollars (a cheaper lifetime cannot train for more) or, when the run is within it, the
/// --budget's own limit if that is tighter.
void add_waste_multiple(const ProposedRun& run, const Basis& basis, const Gpu& gpu,
                        const Law& law, const Evaluation& e, double params, Regret* g) {
  const bool lifetime = lifetime_basis(basis, law, e);
  g->cost_basis = lifetime ? "lifetime" : "training";
  g->run_basis_usd = e.cost.usd + (lifetime ? e.serving->lifetime_usd : 0);
  g->run_flops = basis_flops(e, params, basis, lifetime);
  std::optional<Plan> optimum;
  if (lifetime) {
    Budget b = same_hardware_budget(run, basis, law, g->run_basis_usd, true);
    // Within the --budget's own limit when the run is: the optimum may not spend past it.
    const Budget& limit = *basis.budget;
    const auto spent = std::find_if(e.constraints.begin(), e.constraints.end(),
                                    [&](const ConstraintValue& v) {
                                      return v.name == budget_field(limit.kind);
                                    });
    if (spent != e.constraints.end() && spent->met(kCheckTolerance) &&
        !(limit.kind == BudgetKind::kUsd && limit.amount > g->run_basis_usd)) {
      b.kind = limit.kind;
      b.amount = limit.amount;
    }
    b.objective = Objective::kMinimizeCost;
    b.target_loss = e.served_loss;
    try {
      optimum = make_plan(b, gpu, law);
    } catch (const InfeasibleError&) {
    } catch (const InputError&) {
      // minimize_cost takes no data pools with a quality (plan refuses them): no lifetime
      // optimum to size the run against, so no multiple, and never an error for a valid run.
    }
  } else if (basis.profit()) {
    return;  // the profit regret sizes no cheaper run on training dollars
  } else if (g->usd_to_match > 0) {
    optimum = best_plan_for(run, basis, gpu, law, g->usd_to_match, true);
  }
  if (!optimum) return;
  const Evaluation& o = optimum->evaluation;
  g->optimum_usd = o.cost.usd + (lifetime && o.serving ? o.serving->lifetime_usd : 0);
  g->optimum_flops = basis_flops(o, optimum->run.params, basis, lifetime);
  // The run itself is a candidate: a re-plan that comes out dearer (search precision) is the
  // run, multiple 1.
  if (e.feasible(kCheckTolerance) && g->optimum_usd > g->run_basis_usd) {
    g->optimum_usd = g->run_basis_usd;
    g->optimum_flops = g->run_flops;
  }
  if (g->optimum_usd > 0) g->cost_multiple = g->run_basis_usd / g->optimum_usd;
  if (g->optimum_flops > 0) g->compute_multiple = g->run_flops / g->optimum_flops;
}

std::string gib(double bytes) { return fmt("%.1f", bytes / kGib); }

std::string describe(const Layout& l) {
  std::string s = "TP" + std::to_string(l.tensor_parallel) + " PP" +
                  std::to_string(l.pipeline_parallel);
  if (l.virtual_stages > 1) s += "x" + std::to_string(l.virtual_stages);
  if (l.context_parallel > 1) s += " CP" + std::to_string(l.context_parallel);
  if (l.expert_parallel > 1)
    s += " EP" + std::to_string(l.expert_parallel) +
         (l.overlap_expert_parallel ? " (all-to-all overlapped)" : "");
  s += " DP" + std::to_string(l.data_parallel) + ", micro-batch " +
       std::to_string(l.micro_batch_size) + ", recompute " + to_string(l.recompute) + ", ZeRO " +
       std::to_string(l.zero_stage);
  return s;
}

}  // namespace

std::string to_string(Status s) {
  return s == Status::kPass ? "pass" : s == Status::kWarn ? "warn" : "fail";
}

bool CheckReport::failed(bool strict) const {
  for (const Finding& f : findings)
    if (f.status == Status::kFail || (strict && f.status == Status::kWarn)) return true;
  return false;
}

TrainingRun training_run_of(const ProposedRun& p, const Gpu& table_gpu) {
  TrainingRun r;
  r.params = p.params;
  r.tokens = p.tokens;
  r.shape = p.shape ? *p.shape : round_shape(p.params, p.context.vocab, p.context.aspect_ratio);
  r.seq_len = p.seq_len;
  r.precision = p.precision;
  r.gpu = cluster_gpu(p.context, table_gpu);
  r.gpus = p.gpus;
  r.pricing = p.pricing;
  r.usd_per_gpu_hour = price_of(p, table_gpu).value_or(NAN);
  r.schedule = p.schedule ? p.schedule->kind : p.context.schedule;
  r.hyperparameter_law = p.context.hyperparameter_law;
  r.critical_batch = p.context.critical_batch;

  const LayoutRequest& q = p.layout;
  Layout fallback;  // the file's fields, else the leanest settings: what to report when none fit
  fallback.tensor_parallel = q.tensor_parallel.value_or(1);
  fallback.pipeline_parallel = q.pipeline_parallel.value_or(1);
  fallback.virtual_stages = q.virtual_stages.value_or(1);
  fallback.context_parallel = q.context_parallel.value_or(1);
  fallback.micro_batch_size = q.micro_batch_size.value_or(1);
  fallback.recompute = q.recompute.value_or(Recompute::kFull);
  fallback.sequence_parallel = q.sequence_parallel.value_or(fallback.tensor_parallel > 1);
  fallback.flash_attention = q.flash_attention.value_or(true);
  fallback.overlap_data_parallel = q.overlap_data_parallel.value_or(true);
  fallback.overlap_expert_parallel = q.overlap_expert_parallel.value_or(false);
  fallback.kernels = q.kernels.value_or(Kernels::kFused);
  fallback.expert_parallel = q.expert_parallel.value_or(1);
  const int model_parallel =
      fallback.tensor_parallel * fallback.pipeline_parallel * fallback.context_parallel;
  if (p.gpus % model_parallel != 0)
    throw InputError(p.position_of("run.layout"), "run.layout",
                     "tensor x pipeline x context parallel = " + std::to_string(model_parallel) +
                         " does not divide run.gpus " + std::to_string(p.gpus));
  if (const std::string problem = layout_problem(fallback, r.shape, r.seq_len); !problem.empty())
    throw InputError(p.position_of("run.layout"), "run.layout", problem);
  fallback.data_parallel = p.gpus / model_parallel;
  if (fallback.data_parallel % fallback.expert_parallel != 0)
    throw InputError(p.position_of("run.layout.expert_parallel"), "run.layout.expert_parallel",
                     std::to_string(fallback.expert_parallel) +
                         " does not divide the data-parallel degree " +
                         std::to_string(fallback.data_parallel));
  fallback.zero_stage = q.zero_stage.value_or(fallback.pipeline_parallel == 1 ? 3 : 1);

  // The batch the file gives (in whole sequences), else the law's optimum; the layout is the
  // fastest for that batch.
  LayoutSearch search(r.gpu, r.seq_len, r.precision, q);
  std::optional<LayoutChoice> choice;
  if (p.batch_tokens) {
    r.batch_sequences = (*p.batch_tokens + r.seq_len - 1) / r.seq_len;
    choice = search.choose_for_batch(r.shape, r.gpus, r.batch_sequences);
  } else {
    const double target =
        target_batch_tokens(r.hyperparameter_law, r.params, r.shape, r.seq_len, r.tokens);
    choice = search.choose(r.shape, r.gpus, target,
                           noise_batch_tokens(r.critical_batch, r.hyperparameter_law, r.params,
                                              r.shape, r.seq_len, r.tokens));
    r.batch_sequences =
        choice ? choice->batch_sequences
               : global_batch_sequences(target, r.seq_len,
                                        static_cast<long long>(fallback.data_parallel) *
                                            fallback.micro_batch_size);
  }
  r.layout = choice ? choice->layout : fallback;
  return r;
}

CheckReport check_run(const ProposedRun& run, const Gpu& gpu, const Law& law,
                      const std::optional<Budget>& budget, const CheckThresholds& t) {
  CheckReport report;
  auto& f = report.findings;
  if (!gpu.tflops.count(run.precision))
    throw InputError(run.position_of("run.precision"), "run.precision",
                     "'" + gpu.name + "' has no " + to_string(run.precision) + " rate");
  // A --budget that counts dollars (budget.usd, or an objective that weighs them) cannot judge
  // a run whose GPU has no price: the cost would be unknown, not a number to compare.
  if (budget && !price_of(run, gpu) &&
      (budget->kind == BudgetKind::kUsd || budget->objective != Objective::kMinimizeLoss))
    throw InputError(
        run.position_of("run.gpu"), "run.gpu",
        "the GPU table has no " + to_string(run.pricing) + " price for '" + gpu.name +
            "', which the --budget's " +
            (budget->kind == BudgetKind::kUsd ? std::string("budget.usd")
                                              : "objective " + to_string(budget->objective)) +
            " needs; give hardware.price_usd_per_gpu_hour in the run file");
  report.run = training_run_of(run, gpu);
  const TrainingRun& r = report.run;

  RunContext context = context_of(run.context, law);
  context.min_optimizer_steps = 0;  // a proposed run is judged as written
  context.budget_kind.reset();
  context.deadline_hours.reset();
  if (budget) {
    context.budget_kind = budget->kind;
    context.budget_amount = budget->amount;
    context.deadline_hours = budget->deadline_hours;
    if (budget->unique_tokens) context.unique_tokens = budget->unique_tokens;
    context.params_bounds = budget->params_bounds;
    context.tokens_bounds = budget->tokens_bounds;
    context.tokens_per_param_bounds = budget->tokens_per_param_bounds;
    if (budget->max_epochs) context.max_epochs = budget->max_epochs;
    if (!budget->sources.empty()) context.pools = budget->sources;
    if (!budget->precision_quality.empty()) context.precision_quality = budget->precision_quality;
    if (budget->inference) context.serving = serving_inputs(*budget);
  }
  if (const std::string why = pools_problem(context, law.form); !why.empty())
    throw InputError(budget && !budget->sources.empty() ? budget->position_of("data.sources")
                                                        : run.context.position_of("data.sources"),
                     "data.sources", why);
  report.evaluation = evaluate(r, context);
  const Evaluation& e = report.evaluation;
  const TrainingCost& cost = e.cost;

  // Cost and wall-clock, against the budget when one is given.
  {
    Finding c{"cost", Status::kPass, cost.usd, std::nullopt,
              human_usd(cost.usd) + " (" + fmt("%.4g", cost.gpu_hours) + " GPU-hours" +
                  (e.spot ? ", spot interruptions included" : "") + ")",
              "run.gpus"};
    if (budget) {
      const ConstraintValue& limit = *std::find_if(
          e.constraints.begin(), e.constraints.end(),
          [&](const ConstraintValue& v) { return v.name == budget_field(budget->kind); });
      c.value = limit.value;
      c.threshold = limit.limit;
      if (!limit.met(kCheckTolerance)) {
        c.status = Status::kFail;
        c.message = "over " + std::string(limit.name) + ": " + fmt("%.4g", limit.value) + " > " +
                    fmt("%.4g", limit.limit);
      } else {
        c.message += "; within " + std::string(limit.name) + " " + fmt("%.4g", limit.limit);
      }
    }
    if (run.expected_usd && std::isfinite(cost.usd) &&
        std::abs(cost.usd / *run.expected_usd - 1) > 0.2) {
      c.status = std::max(c.status, Status::kWarn);
      c.message += "; run.expected_usd is " + fmt("%.4g", *run.expected_usd) +
                   ", more than 20% off the model's figure";
      c.field = "run.expected_usd";
    }
    f.push_back(c);
    Finding w{"wall_clock", Status::kPass, e.deadline_wall_hours, std::nullopt,
              fmt("%.1f", cost.wall_hours) + " hours on " + std::to_string(r.gpus) + " GPUs" +
                  (e.spot ? " (p90 " + fmt("%.1f", e.spot->wall_hours_p90) + ")" : ""),
              "run.gpus"};
    if (context.deadline_hours) {
      w.threshold = *context.deadline_hours;
      if (e.deadline_wall_hours > *context.deadline_hours * (1 + kCheckTolerance)) {
        w.status = Status::kFail;
        w.message += ": past the deadline of " + fmt("%.1f", *context.deadline_hours) + " hours";
      }
    }
    f.push_back(w);
  }

  f.push_back({"step", Status::kPass, e.step.seconds, std::nullopt,
               fmt("%.3g", e.step.seconds) + " s per step, MFU " + fmt("%.1f%%", 100 * e.mfu) +
                   ", " + describe(r.layout),
               "run.layout"});
  if (is_moe(r.shape)) {
    const Moe& m = r.shape.moe;
    f.push_back({"moe", Status::kPass, e.total_params, std::nullopt,
                 human_count(e.active_params) + " active of " + human_count(e.total_params) +
                     " total params (" + std::to_string(m.experts) + " experts, top-" +
                     std::to_string(m.top_k) + ", " + std::to_string(m.shared_experts) +
                     " shared, width " + std::to_string(m.expert_hidden) +
                     (m.max_nodes_per_token > 0
                          ? ", at most " + std::to_string(m.max_nodes_per_token) +
                                " nodes a token"
                          : std::string()) +
                     "): FLOPs per token from the active, memory from the total over EP" +
                     std::to_string(r.layout.expert_parallel) + "; all-to-all " +
                     fmt("%.3g", e.step.ep_comm_s) + " s of each step" +
                     (r.layout.overlap_expert_parallel ? " left exposed by the overlap" : ""),
                 "run.moe"});
  }
  {
    Finding g{"loss", Status::kPass, e.loss, std::nullopt,
              "predicted loss " + fmt("%.4f", e.loss) + " (law " + law.name + ")", "run.tokens"};
    if (const std::string note = moe_law_note(law, r.shape); !note.empty()) {
      g.status = Status::kWarn;
      g.message += ": " + note;
      g.field = "run.moe";
    }
    f.push_back(g);
  }

  // The --budget's bounds on N, D and D / N.
  {
    std::vector<const ConstraintValue*> bounds;
    for (const ConstraintValue& v : e.constraints)
      if (v.name.starts_with("model.params.") || v.name.starts_with("data.tokens."))
        bounds.push_back(&v);
    if (!bounds.empty()) {
      Finding g{"bounds", Status::kPass, r.params, std::nullopt,
                "within the budget's " + std::to_string(bounds.size()) + " bound" +
                    (bounds.size() > 1 ? "s" : "") + " on params and tokens",
                "run.params"};
      for (const ConstraintValue* v : bounds)
        if (!v->met(kCheckTolerance)) {
          const bool is_min = v->name.ends_with(".min");
          g.status = Status::kFail;
          g.message = "breaks " + std::string(v->name) + ": " +
                      fmt("%.4g", is_min ? v->limit : v->value) + (is_min ? " < " : " > ") +
                      fmt("%.4g", is_min ? v->value : v->limit);
          g.field = v->name.starts_with("model.") ? "run.params" : "run.tokens";
          break;
        }
      f.push_back(g);
    }
  }

  // Serving: the --budget's inference caps on the trained model.
  if (e.serving) {
    Finding g{"serving", Status::kPass, e.serving->latency_ms_per_token, std::nullopt,
              fmt("%.3g", e.serving->latency_ms_per_token) + " ms per token at batch " +
                  std::to_string(e.serving->batch) + " on TP" +
                  std::to_string(e.serving->tensor_parallel) + " replicas, " +
                  human_usd(e.serving->usd_per_query) +
                  " per query",
              "run.params"};
    for (const ConstraintValue& v : e.constraints)
      if (v.name.substr(0, 10) == "inference." && !v.met(kCheckTolerance)) {
        g.status = Status::kFail;
        g.message = "breaks " + std::string(v.name) + ": " + fmt("%.4g", v.value) + " > " +
                    fmt("%.4g", v.limit) +
                    (e.serving->feasible ? "" : " (" + e.serving->infeasible_reason + ")");
        break;
      }
    f.push_back(g);
  }

  // Regret: the best run the same dollars buy on the same GPUs, precision and pricing: in loss,
  // or with the budget's profit objective in profit.
  const Basis basis{context, budget};
  if (std::isfinite(cost.usd)) {
    if (const std::optional<Plan> plan = best_plan_for(run, basis, gpu, law, cost.usd)) {
      const double best = plan->evaluation.loss;
      Regret g;
      g.value = (e.loss - best) / best;
      g.best_loss = best;
      g.best_params = plan->run.params;
      g.best_tokens = plan->run.tokens;
      g.usd_to_match = g.run_usd = cost.usd;
      std::string message;
      if (basis.profit() && e.serving && plan->roi) {
        const double profit = profit_usd(*budget, e), best_profit = plan->roi->profit_usd;
        g.objective = "profit";
        g.value = (best_profit - profit) / std::max(std::abs(best_profit), 1e-300);
        message = fmt("%.2f%%", std::abs(g.value) < 5e-5 ? 0.0 : 100 * g.value) +
                  " less profit than the most profitable run for the same dollars (" +
                  human_count(g.best_params) + " params on " + human_count(g.best_tokens) +
                  " tokens: " + human_usd(best_profit) + " against " + human_usd(profit) + ")";
      } else {
        // The run meets every limit and its own dollars, so the best run is at least as good: a
        // re-plan that comes out worse (the search at a domain's edge, a budget equal to the run's
        // cost to the last bit) is answered with the run itself, not a negative regret.
        if (g.value < 0 && e.feasible(kCheckTolerance)) {
          g.value = 0;
          g.best_loss = e.loss;
          g.best_params = r.params;
          g.best_tokens = r.tokens;
        }
        if (g.value > kBindingTolerance)
          g.usd_to_match = usd_to_reach(run, basis, gpu, law, e.loss, cost.usd);
        // A search-precision difference prints as 0.00%, not -0.00%.
        message = fmt("%.2f%%", std::abs(g.value) < 5e-5 ? 0.0 : 100 * g.value) +
                  " above the best run for the same dollars (" + human_count(g.best_params) +
                  " params on " + human_count(g.best_tokens) + " tokens, loss " +
                  fmt("%.4f", g.best_loss) + "), which reaches this loss for " +
                  human_usd(g.usd_to_match);
      }
      if (std::isfinite(cost.usd) && cost.usd > 0) {
        add_waste_multiple(run, basis, gpu, law, e, r.params, &g);
        const std::string multiple = fmt("%.2f", g.cost_multiple) + "x the dollars and " +
                                     fmt("%.2f", g.compute_multiple) + "x the compute";
        if (g.cost_multiple > 0 && g.cost_basis == "lifetime")
          message += "; the cheapest run reaching this served loss costs " +
                     human_usd(g.optimum_usd) + " to train and serve (" +
                     fmt("%.3g", g.optimum_flops) + " FLOPs): this run spends " + multiple;
        else if (g.cost_multiple > 0)
          message += ": this run spends " + multiple + " of that run";
      }
      Finding k{"regret", Status::kPass, g.value, t.max_regret, message, "run.params"};
      if (g.value > t.max_regret) k.status = Status::kFail;
      else if (g.value > t.warn_regret) k.status = Status::kWarn;
      f.push_back(k);
      report.regret = g;
    }
  }

  // "Do not train" (issue 13): with a profit objective a run that earns no more than it costs
  // fails, whatever the best run for its dollars would make.
  if (basis.profit() && e.serving) {
    const double profit = profit_usd(*budget, e);
    if (!(profit > 0))
      f.push_back({"profit", Status::kFail, profit, 0.0,
                   "the run makes " + human_usd(profit) + " at inference.lifetime_queries = " +
                       fmt("%.4g", budget->inference->lifetime_queries) +
                       ": training does not pay; do not train (roi, inference)",
                   "run.params"});
  }

  // Tokens per parameter against the law's compute-optimal ratio at the run's 6ND compute.
  {
    // At the run's experts and in the law's N (the joint MoE law counts embeddings).
    const double n = law_params(law, r.shape, r.params);
    const Allocation opt = compute_optimal(law_form_for(law, r.shape), 6 * n * r.tokens);
    const double ratio = r.tokens / n, best = opt.tokens / opt.params;
    Finding g{"tokens_per_param", Status::kPass, ratio, best,
              fmt("%.1f", ratio) + " tokens per parameter; the law's optimum at this compute is " +
                  fmt("%.1f", best),
              "run.tokens"};
    const bool inference_aware = budget && budget->objective != Objective::kMinimizeLoss;
    if (inference_aware && ratio > best) {
      g.message += " (over-trained, as the budget's objective " + to_string(budget->objective) +
                   " wants: a smaller model is cheaper to serve; Sardana & Frankle 2024)";
    } else if (ratio > best * t.tokens_per_param_factor ||
               ratio < best / t.tokens_per_param_factor) {
      g.status = Status::kWarn;
      g.message += ratio > best ? " (over-trained: a larger model would do better)"
                                : " (under-trained: a smaller model on more tokens would do better)";
    }
    f.push_back(g);
  }

  // The batch and the LR against the law plan uses (model.hyperparameter_law); the batch costed
  // by McCandlish's waste.
  const HyperparameterLaw hp_law = r.hyperparameter_law;
  const HyperparameterInputs hp_inputs =
      hyperparameter_inputs(r.params, r.shape, r.seq_len, r.tokens);
  const double hp_outside = hyperparameter_extrapolation(hp_law, hp_inputs);
  const std::string hp_range_note =
      hp_outside > kExtrapolationWarningFactor
          ? " (" + fmt("%.3g", hp_outside) + "x outside the range " + to_string(hp_law) +
                " was fitted on)"
          : "";
  {
    // What the batch costs in loss: McCandlish's E = E_min (1 + B/B_noise) turns a batch above
    // B* into fewer useful tokens, and the run's law turns those into loss (run.hpp, batch_loss).
    const double b = static_cast<double>(e.batch_tokens), optimum = e.optimal_batch_tokens;
    const double share = e.loss > 0 ? e.batch_loss / e.loss : 0;
    const double cb_outside = critical_batch_extrapolation(r.critical_batch, r.tokens);
    std::string noise =
        r.critical_batch == CriticalBatchLaw::kZhang2024
            ? "B_noise " + fmt("%.4g", e.noise_batch_tokens) +
                  " (Zhang et al. 2024, grows with D; unverified constants" +
                  (cb_outside > kExtrapolationWarningFactor
                       ? ", " + fmt("%.3g", cb_outside) + "x outside the D it was fitted on"
                       : std::string()) +
                  ")"
            : "B_noise taken as the optimum";
    Finding g{"batch_size", Status::kPass, e.batch_loss, t.warn_batch_loss * e.loss,
              fmt("%.4g", b) + " tokens; the optimum " +
                  (hp_law == HyperparameterLaw::kStepLaw ? "for this D" : "at this compute") +
                  " is " + fmt("%.4g", optimum) + " (" + hyperparameter_law_source(hp_law) +
                  ")" + hp_range_note + ", " + noise + "; each token is worth " +
                  fmt("%.3f", e.data_efficiency) +
                  " of one at the optimum (McCandlish et al. 2018): the batch costs " +
                  fmt("%.4f", e.batch_loss) + " nats, " + fmt("%.2f%%", 100 * share) +
                  " of the loss",
              "run.batch_tokens"};
    if (b > optimum * t.max_batch_over_critical) {
      g.status = Status::kFail;
      g.message += ": far above the optimum (over " + fmt("%g", t.max_batch_over_critical) +
                   "x), most of the extra tokens per step are wasted";
    } else if (share > t.max_batch_loss) {
      g.status = Status::kFail;
      g.message += ": over " + fmt("%g%%", 100 * t.max_batch_loss) + " of the loss";
    } else if (share > t.warn_batch_loss) {
      g.status = Status::kWarn;
      g.message += ": over " + fmt("%g%%", 100 * t.warn_batch_loss) +
                   ", steps buy less progress per token";
    }
    f.push_back(g);
  }

  {
    const MemoryUse& m = e.memory;
    Finding g{"memory", Status::kPass, m.total() / kGib, e.memory_limit / kGib,
              gib(m.total()) + " GiB per GPU of " + gib(e.memory_limit) + " usable (weights " +
                  gib(m.weights) + ", gradients " + gib(m.gradients) + ", optimizer " +
                  gib(m.optimizer) + ", activations " + gib(m.activations) + ", buffers " +
                  gib(m.buffers) + ") with " + describe(r.layout),
              "run.gpus"};
    if (m.total() > e.memory_limit) {
      g.status = Status::kFail;
      g.message += ": does not fit";
    }
    f.push_back(g);
  }

  if (run.learning_rate) {
    const double eta = optimal_hyperparameters(hp_law, hp_inputs).learning_rate;
    const double ratio = *run.learning_rate / eta;
    const std::string at =
        hp_law == HyperparameterLaw::kStepLaw
            ? "from Step Law (Li et al. 2025) at N = " + fmt("%.3g", hp_inputs.non_embedding_params) +
                  " non-embedding params, D = " + fmt("%.3g", hp_inputs.tokens) + " tokens"
            : "from DeepSeek LLM 2024 Eq. 1 at " + fmt("%.3g", hp_inputs.deepseek_flops) + " FLOPs";
    Finding g{"learning_rate", Status::kPass, *run.learning_rate, eta,
              fmt("%.3g", *run.learning_rate) + " vs " + fmt("%.3g", eta) + " " + at +
                  hp_range_note,
              "run.learning_rate"};
    if (ratio > t.lr_fail_factor || ratio < 1 / t.lr_fail_factor) g.status = Status::kFail;
    else if (ratio > t.lr_warn_factor || ratio < 1 / t.lr_warn_factor) g.status = Status::kWarn;
    f.push_back(g);
  }

  if (run.schedule) {
    const Schedule& s = *run.schedule;
    const double total = static_cast<double>(s.total_steps);
    const double warmup = static_cast<double>(s.warmup_steps) / total;
    Finding g{"schedule", Status::kPass, warmup, kMaxWarmupFraction,
              "warmup " + fmt("%.1f%%", 100 * warmup) + " of steps", "run.schedule"};
    if (warmup > 2 * kMaxWarmupFraction) {
      g.status = Status::kWarn;
      g.message += " (more than 10%: slow start)";
    }
    if (s.kind == ScheduleKind::kWsd) {
      const double decay = static_cast<double>(s.decay_steps) / total;
      g.message += ", decay " + fmt("%.1f%%", 100 * decay) + " (" + to_string(s.decay_shape) +
                   " to " + fmt("%g%%", 100 * s.final_lr_fraction) + " of the peak)";
      if (decay < 0.05 || decay > 0.4) {
        g.status = Status::kWarn;
        g.message += " (Hägele et al. 2024: gains plateau near 20%; outside 5-40% is unusual)";
      } else if (s.decay_shape == DecayShape::kOneMinusSqrt) {
        g.message += " (Hägele et al. 2024, Sec. 3.2: (1 - sqrt) beats linear at equal length)";
      }
    } else {
      g.message += ", cosine to " + fmt("%g%%", 100 * s.final_lr_fraction) + " of the peak";
    }
    // Tissue et al. 2024's areas against the schedule the law's loss is taken to be for.
    {
      const AnnealingAreas run_areas = annealing_areas(s);
      const AnnealingAreas ref = annealing_areas(reference_schedule(s.warmup_steps, s.total_steps));
      const auto ratio = [](double x, double y) { return y > 0 ? fmt("%.3f", x / y) : "-"; };
      if (run_areas.s2 == 0 && ref.s2 > 0) {
        g.status = Status::kWarn;
        g.message += " (the LR never decays: no annealing gain, Hägele et al. 2024)";
      }
      g.message += "; annealing areas (Tissue et al. 2024) S1 " + ratio(run_areas.s1, ref.s1) +
                   "x and S2 " + ratio(run_areas.s2, ref.s2) +
                   "x those of the schedule the law's loss assumes (WSD, 20% linear cooldown to "
                   "0; Hägele et al. 2024: matches cosine); the loss they cost is not computed "
                   "(their A, alpha, C are fitted per setup, none published)";
    }
    const double implied = total * static_cast<double>(e.batch_tokens);
    if (std::abs(implied / r.tokens - 1) > 0.05) {
      g.status = Status::kWarn;
      g.message += "; total_steps x batch_tokens = " + fmt("%.4g", implied) +
                   " tokens, not run.tokens " + fmt("%.4g", r.tokens);
    }
    f.push_back(g);
  }

  // Repeated data: what the epochs cost in loss under the law plan uses (Muennighoff et al.
  // 2023, Eq. 5-6); the regret finding says whether another split would do better.
  if (e.data.applies && context.unique_tokens) {
    const DataTerms& d = e.data;
    std::string costs;
    if (e.repetition_loss > 0)
      costs = "repeated tokens cost " + fmt("%.4f", e.repetition_loss) + " nats (D' = " +
              fmt("%.3g", d.effective_tokens) + " of " + fmt("%.3g", r.tokens) + " tokens)";
    if (e.excess_params_loss > 0)
      costs += (costs.empty() ? "" : ", ") +
               std::string("parameters beyond what the unique data support cost ") +
               fmt("%.4f", e.excess_params_loss) + " nats (N' = " +
               fmt("%.3g", d.effective_params) + " of " + fmt("%.3g", r.params) + ")";
    Finding g{"data_epochs", Status::kPass, d.epochs, context.max_epochs,
              fmt(d.epochs < 1e4 ? "%.2f" : "%.3g", d.epochs) + " epochs over " +
                  fmt("%.3g", *context.unique_tokens) + " unique tokens: " +
                  (costs.empty() ? "no repetition cost"
                                 : costs + " (Muennighoff et al. 2023, Eq. 5-6)"),
              "run.tokens"};
    if (context.max_epochs && d.epochs > *context.max_epochs * (1 + kCheckTolerance)) {
      g.status = Status::kFail;
      g.message += ": over data.max_epochs = " + fmt("%.4g", *context.max_epochs);
    }
    f.push_back(g);
  }
  return report;
}

}  // namespace scaleplan
