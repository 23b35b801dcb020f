#include "scaleplan/planner/check.hpp"

#include <cmath>
#include <cstdio>

#include "scaleplan/model/cost.hpp"
#include "scaleplan/planner/plan.hpp"
#include "scaleplan/model/recipe.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan {
namespace {

/// The budget `make_plan` needs to find the best run at `usd` on the run's own hardware.
Budget same_hardware_budget(const ProposedRun& run, double usd) {
  Budget b = run.context;
  b.kind = BudgetKind::kUsd;
  b.amount = usd;
  b.deadline_hours.reset();
  b.unique_tokens.reset();
  b.count = run.gpus;
  b.max_count.reset();
  return b;
}

std::optional<double> price_of(const ProposedRun& run, const Gpu& gpu) {
  if (run.pricing == Pricing::kSpot)
    return run.context.price_spot_usd_per_gpu_hour ? run.context.price_spot_usd_per_gpu_hour
                                                   : gpu.price_spot_usd_per_gpu_hour;
  return run.context.price_on_demand_usd_per_gpu_hour ? run.context.price_on_demand_usd_per_gpu_hour
                                                      : gpu.price_on_demand_usd_per_gpu_hour;
}

/// The dollars the best run needs to reach `target` loss: bisection on log(usd), the best loss
/// falling with money (a property the planner's tests check).
double usd_to_reach(const ProposedRun& run, const Gpu& gpu, const Law& law, double target,
                    double upper_usd) {
  double lo = upper_usd * 1e-6, hi = upper_usd;
  for (int i = 0; i < 30; ++i) {
    const double mid = std::sqrt(lo * hi);
    bool reaches = false;
    try {
      reaches = make_plan(same_hardware_budget(run, mid), gpu, law).loss <= target;
    } catch (const InfeasibleError&) {
    }
    (reaches ? hi : lo) = mid;
  }
  return hi;
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

// Kaplan et al. 2020, Eq. 1.4 / 5.3 with App. A Table 5 constants.
double critical_batch_tokens(double loss) { return 2.1e8 / std::pow(loss, 1 / 0.21); }

CheckReport check_run(const ProposedRun& run, const Gpu& gpu, const Law& law,
                      const std::optional<Budget>& budget, const CheckThresholds& t) {
  CheckReport report;
  auto& f = report.findings;
  if (!gpu.tflops.count(run.precision))
    throw InputError(run.position_of("run.precision"), "run.precision",
                     "'" + gpu.name + "' has no " + to_string(run.precision) + " rate");
  const double quality = precision_traits(run.precision).quality_params_factor;
  const double mfu = run.context.mfu ? *run.context.mfu : mfu_for(gpu, run.params);
  const double price = price_of(run, gpu).value_or(NAN);
  const TrainingCost cost =
      training_cost(training_flops_per_token(run.context.flops_per_token, run.params, run.seq_len),
                    run.tokens, achieved_flops_per_s(gpu, run.precision, mfu), price, run.gpus);
  const double run_loss = loss(law, run.params * quality, run.tokens);

  // Cost and wall-clock, against the budget when one is given.
  {
    Finding c{"cost", Status::kPass, cost.usd, std::nullopt,
              human_usd(cost.usd) + " (" + fmt("%.4g", cost.gpu_hours) + " GPU-hours)",
              "run.gpus"};
    if (budget) {
      const double spent = budget->kind == BudgetKind::kUsd        ? cost.usd
                           : budget->kind == BudgetKind::kGpuHours ? cost.gpu_hours
                                                                   : cost.flops;
      c.value = spent;
      c.threshold = budget->amount;
      if (spent > budget->amount) {
        c.status = Status::kFail;
        c.message = "over " + budget_field(budget->kind) + ": " + fmt("%.4g", spent) + " > " +
                    fmt("%.4g", budget->amount);
      } else {
        c.message += "; within " + budget_field(budget->kind) + " " + fmt("%.4g", budget->amount);
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
    Finding w{"wall_clock", Status::kPass, cost.wall_hours, std::nullopt,
              fmt("%.1f", cost.wall_hours) + " hours on " + std::to_string(run.gpus) + " GPUs",
              "run.gpus"};
    if (budget && budget->deadline_hours) {
      w.threshold = *budget->deadline_hours;
      if (cost.wall_hours > *budget->deadline_hours) {
        w.status = Status::kFail;
        w.message += ": past the deadline of " + fmt("%.1f", *budget->deadline_hours) + " hours";
      }
    }
    f.push_back(w);
  }

  f.push_back({"loss", Status::kPass, run_loss, std::nullopt,
               "predicted loss " + fmt("%.4f", run_loss) + " (law " + law.name + ")", "run.tokens"});

  // Regret: the best run the same dollars buy on the same GPUs, precision and pricing.
  if (std::isfinite(cost.usd)) {
    try {
      const Plan best = make_plan(same_hardware_budget(run, cost.usd), gpu, law);
      Regret r{(run_loss - best.loss) / best.loss, best.loss, best.params, best.tokens, 0,
               cost.usd};
      r.usd_to_match = r.value > 0 ? usd_to_reach(run, gpu, law, run_loss, cost.usd) : cost.usd;
      Finding g{"regret", Status::kPass, r.value, t.max_regret,
                fmt("%.2f%%", 100 * r.value) + " above the best run for the same dollars (" +
                    human_count(best.params) + " params on " +
                    human_count(best.tokens) + " tokens, loss " + fmt("%.4f", best.loss) +
                    "), which reaches this loss for " + human_usd(r.usd_to_match),
                "run.params"};
      if (r.value > t.max_regret) g.status = Status::kFail;
      else if (r.value > t.warn_regret) g.status = Status::kWarn;
      f.push_back(g);
      report.regret = r;
    } catch (const InfeasibleError&) {
    }
  }

  // Tokens per parameter against the law's compute-optimal ratio at the run's 6ND compute.
  {
    const Allocation opt = compute_optimal(law.form, 6 * run.params * run.tokens);
    const double ratio = run.tokens / run.params, best = opt.tokens / opt.params;
    Finding g{"tokens_per_param", Status::kPass, ratio, best,
              fmt("%.1f", ratio) + " tokens per parameter; the law's optimum at this compute is " +
                  fmt("%.1f", best),
              "run.tokens"};
    if (ratio > best * t.tokens_per_param_factor || ratio < best / t.tokens_per_param_factor) {
      g.status = Status::kWarn;
      g.message += ratio > best ? " (over-trained: a larger model would do better)"
                                : " (under-trained: a smaller model on more tokens would do better)";
    }
    f.push_back(g);
  }

  if (run.batch_tokens) {
    const double crit = critical_batch_tokens(run_loss);
    const double b = static_cast<double>(*run.batch_tokens);
    Finding g{"batch_size", Status::kPass, b, crit * t.max_batch_over_critical,
              fmt("%.4g", b) + " tokens; critical batch at loss " + fmt("%.3f", run_loss) + " is " +
                  fmt("%.4g", crit) + " (Kaplan et al. 2020, Eq. 5.3)",
              "run.batch_tokens"};
    if (b > crit * t.max_batch_over_critical) {
      g.status = Status::kFail;
      g.message += ": far above it, most of the extra tokens per step are wasted";
    } else if (b > 2 * crit) {
      g.status = Status::kWarn;
      g.message += ": above it, steps buy less progress per token";
    }
    f.push_back(g);
  }

  {
    const double need_gb = training_bytes_per_gpu(run.params, run.seq_len, run.gpus) / 1e9;
    const double have_gb = kUsableMemoryFraction * gpu.memory_gb;
    Finding g{"memory", Status::kPass, need_gb, have_gb,
              fmt("%.1f", need_gb) + " GB per GPU of " + fmt("%.1f", have_gb) +
                  " usable (16 B/param sharded over " + std::to_string(run.gpus) +
                  " GPUs + activations)",
              "run.gpus"};
    if (need_gb > have_gb) {
      g.status = Status::kFail;
      g.message += ": does not fit";
    }
    f.push_back(g);
  }

  if (run.learning_rate) {
    const double eta = deepseek_learning_rate(cost.flops);
    const double ratio = *run.learning_rate / eta;
    Finding g{"learning_rate", Status::kPass, *run.learning_rate, eta,
              fmt("%.3g", *run.learning_rate) + " vs " + fmt("%.3g", eta) +
                  " from DeepSeek LLM 2024 Eq. 1 at " + fmt("%.3g", cost.flops) + " FLOPs",
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
      g.message += ", decay " + fmt("%.1f%%", 100 * decay);
      if (decay < 0.05 || decay > 0.4) {
        g.status = Status::kWarn;
        g.message += " (Hägele et al. 2024: gains plateau near 20%; outside 5-40% is unusual)";
      }
    }
    if (run.batch_tokens) {
      const double implied = total * static_cast<double>(*run.batch_tokens);
      if (std::abs(implied / run.tokens - 1) > 0.05) {
        g.status = Status::kWarn;
        g.message += "; total_steps x batch_tokens = " + fmt("%.4g", implied) +
                     " tokens, not run.tokens " + fmt("%.4g", run.tokens);
      }
    }
    f.push_back(g);
  }

  const std::optional<double> unique =
      budget && budget->unique_tokens ? budget->unique_tokens : run.context.unique_tokens;
  if (unique) {
    const double epochs = run.tokens / *unique;
    Finding g{"data_epochs", Status::kPass, epochs, t.max_epochs,
              fmt("%.2f", epochs) + " epochs over " + fmt("%.3g", *unique) + " unique tokens",
              "run.tokens"};
    if (epochs > t.max_epochs) {
      g.status = Status::kFail;
      g.message += ": past ~16 epochs repeated data stops helping (Muennighoff et al. 2023)";
    } else if (epochs > 4) {
      g.status = Status::kWarn;
      g.message += ": beyond 4 epochs repetition costs loss (Muennighoff et al. 2023)";
    } else if (epochs > 1) {
      g.status = Status::kWarn;
      g.message += ": repeated data; up to 4 epochs changes loss negligibly (Muennighoff et al.)";
    }
    f.push_back(g);
  }
  return report;
}

}  // namespace scaleplan
