// The layout search (planner/layout_search.*) against brute force: every layout of its documented
// domain built by hand, each judged by the one evaluation (planner/run.hpp), the fastest feasible
// one per useful token found by exhaustion (issue 10, acceptance item 8).

#include "scaleplan/planner/layout_search.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>

#include "scaleplan/io/configs.hpp"
#include "scaleplan/model/recipe.hpp"
#include "scaleplan/planner/run.hpp"
#include "plan_support.hpp"

using namespace scaleplan;
using scaleplan::test::table;

namespace {

const Law& law() {
  static const Law l = load_law("hoffmann2022", "", {}, "law");
  return l;
}

/// The domain layout_search.hpp documents, written out independently: tensor parallelism in
/// powers of two inside the NVLink domain, context parallelism from 16k tokens with chunks of at
/// least 2k, the pipeline depths 1-6, 8, 10, 12, 16, ... 128 with 1, 2, 4 or 8 virtual stages,
/// micro-batches of 1-8 sequences, no or full recomputation (FlashAttention), sequence
/// parallelism with TP, ZeRO 1, or ZeRO 1 and 3 without a pipeline.
std::vector<Layout> domain(const Shape& s, int gpus, int seq, const Gpu& gpu) {
  const int depths[] = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128};
  std::vector<Layout> out;
  for (int tp = 1; tp <= gpu.gpus_per_node; tp *= 2)
    for (int cp = 1; cp <= 32; cp *= 2) {
      if (cp > 1 && (seq < 16384 || seq / cp < 2048)) continue;
      for (int pp : depths)
        for (int v : {1, 2, 4, 8}) {
          if (pp * v > s.n_layer || (v > 1 && pp == 1)) continue;
          if (gpus % (tp * cp * pp) != 0) continue;
          const int dp = gpus / (tp * cp * pp);
          for (int mbs : {1, 2, 4, 8})
            for (Recompute r : {Recompute::kNone, Recompute::kFull})
              for (int zero : {1, 3}) {
                if (zero == 3 && (pp > 1 || dp == 1)) continue;
                Layout l;
                l.tensor_parallel = tp;
                l.context_parallel = cp;
                l.pipeline_parallel = pp;
                l.virtual_stages = v;
                l.data_parallel = dp;
                l.micro_batch_size = mbs;
                l.recompute = r;
                l.zero_stage = zero;
                l.sequence_parallel = tp > 1;
                if (layout_problem(l, s, seq).empty()) out.push_back(l);
              }
        }
    }
  return out;
}

auto key(const Layout& l) {
  return std::make_tuple(l.tensor_parallel, l.context_parallel, l.pipeline_parallel,
                         l.virtual_stages, l.data_parallel, l.micro_batch_size,
                         static_cast<int>(l.recompute), l.zero_stage, l.sequence_parallel);
}

/// One layout judged by the one evaluation, at the batch the search would give it.
struct Judged {
  Layout layout;
  long long batch = 0;
  bool feasible = false;
  double step_s = 0, seconds_per_useful_token = 0;
};

Judged judge(const Layout& l, const Shape& s, int gpus, int seq, const Gpu& gpu, Precision p,
             double optimal_batch_tokens, std::optional<long long> fixed_batch) {
  const long long unit = static_cast<long long>(l.data_parallel) * l.micro_batch_size;
  Judged j;
  j.layout = l;
  j.batch = fixed_batch ? *fixed_batch : global_batch_sequences(optimal_batch_tokens, seq, unit);
  TrainingRun run;
  run.params = non_embedding_params(s);
  run.tokens = 1e11;
  run.shape = s;
  run.seq_len = seq;
  run.precision = p;
  run.gpu = gpu;
  run.gpus = gpus;
  run.layout = l;
  run.batch_sequences = j.batch;
  run.usd_per_gpu_hour = 2;
  RunContext context;
  context.law = &law();
  context.min_optimizer_steps = 0;
  const Evaluation e = evaluate(run, context);
  j.feasible = e.memory.total() <= e.memory_limit;
  REQUIRE(e.feasible() == j.feasible);  // memory is the only limit this context sets
  j.step_s = e.step.seconds;
  const double tokens = static_cast<double>(j.batch) * seq;
  j.seconds_per_useful_token =
      e.step.seconds / (tokens * batch_data_efficiency(tokens, optimal_batch_tokens));
  return j;
}

/// Checks the search's choice for one case against brute force; returns the layout chosen.
std::optional<Layout> check_against_brute_force(
    const Shape& s, int gpus, int seq, const Gpu& gpu, Precision p, double optimal_batch_tokens,
    std::optional<long long> fixed_batch = std::nullopt) {
  LayoutSearch search(gpu, seq, p);
  const std::vector<Layout> all = domain(s, gpus, seq, gpu);

  // The search considers exactly the documented domain.
  std::vector<decltype(key(Layout{}))> mine, its;
  for (const Layout& l : all) mine.push_back(key(l));
  for (const Layout& l : search.candidates(s, gpus)) its.push_back(key(l));
  std::sort(mine.begin(), mine.end());
  std::sort(its.begin(), its.end());
  CHECK(mine == its);

  std::optional<Judged> best;
  int feasible = 0;
  for (const Layout& l : all) {
    const long long unit = static_cast<long long>(l.data_parallel) * l.micro_batch_size;
    if (fixed_batch && *fixed_batch % unit != 0) continue;
    const Judged j = judge(l, s, gpus, seq, gpu, p, optimal_batch_tokens, fixed_batch);
    if (!j.feasible) continue;
    ++feasible;
    if (!best || j.seconds_per_useful_token < best->seconds_per_useful_token) best = j;
  }
  const std::optional<LayoutChoice> choice = fixed_batch
                                                 ? search.choose_for_batch(s, gpus, *fixed_batch)
                                                 : search.choose(s, gpus, optimal_batch_tokens);
  INFO(feasible << " of " << all.size() << " layouts fit");
  REQUIRE(choice.has_value() == best.has_value());
  if (!fixed_batch) CHECK(search.fits(s, gpus) == best.has_value());
  if (!choice) return std::nullopt;

  // Never an infeasible layout, and its figures are the one evaluation's.
  const Judged chosen =
      judge(choice->layout, s, gpus, seq, gpu, p, optimal_batch_tokens, choice->batch_sequences);
  CHECK(chosen.feasible);
  CHECK(choice->batch_sequences == chosen.batch);
  CHECK(choice->step.seconds == Approx(chosen.step_s).epsilon(1e-12));
  CHECK(gpus_of(choice->layout) == gpus);
  CHECK(choice->layout.tensor_parallel <= gpu.gpus_per_node);
  CHECK(s.n_head % choice->layout.tensor_parallel == 0);
  CHECK(choice->batch_sequences >= choice->layout.data_parallel);
  // The minimum over every feasible layout.
  INFO("chosen TP" << choice->layout.tensor_parallel << " CP" << choice->layout.context_parallel
                   << " PP" << choice->layout.pipeline_parallel << "x"
                   << choice->layout.virtual_stages << " DP" << choice->layout.data_parallel
                   << " mbs " << choice->layout.micro_batch_size << " ZeRO "
                   << choice->layout.zero_stage << "; brute force TP"
                   << best->layout.tensor_parallel << " CP" << best->layout.context_parallel
                   << " PP" << best->layout.pipeline_parallel << "x" << best->layout.virtual_stages
                   << " DP" << best->layout.data_parallel << " mbs "
                   << best->layout.micro_batch_size << " ZeRO " << best->layout.zero_stage);
  CHECK(choice->seconds_per_useful_token == Approx(best->seconds_per_useful_token).epsilon(1e-9));
  CHECK(chosen.seconds_per_useful_token == Approx(best->seconds_per_useful_token).epsilon(1e-9));
  return choice->layout;
}

/// An optimal batch on the search's cache grid (choose() judges at the grid point).
double on_grid(double tokens) { return std::exp(0.005 * std::round(std::log(tokens) / 0.005)); }

}  // namespace

TEST_CASE("layout_search: picks the fastest feasible layout of brute force (4k context)",
          "[layout_search]") {
  const Gpu& h100 = *find_gpu(table(), "H100-SXM");
  const std::vector<Shape> shapes = {
      gpt_shape(24, 2048, 16),                                  // 1.2B
      gpt_shape(40, 5120, 40),                                  // 13B: memory binds
      Shape{32, 4096, 32, 8, 14336, FfnKind::kSwiglu, 128256, Moe{}},  // Llama 3 8B
      gpt_shape(80, 8192, 64),                                  // 64B: needs TP or PP
  };
  std::vector<Layout> chosen;
  int none_fit = 0;
  for (const Shape& s : shapes)
    for (int gpus : {1, 8, 24, 64}) {
      INFO("n_layer " << s.n_layer << " d_model " << s.d_model << " on " << gpus << " GPUs");
      const auto l = check_against_brute_force(s, gpus, 4096, h100, Precision::kBf16, on_grid(4e6));
      if (l)
        chosen.push_back(*l);
      else
        ++none_fit;
    }
  // The grid exercises the levers: some cases fit nowhere, some need a pipeline or ZeRO 3.
  CHECK(none_fit > 0);
  CHECK(std::any_of(chosen.begin(), chosen.end(),
                    [](const Layout& l) { return l.pipeline_parallel > 1; }));
  CHECK(
      std::any_of(chosen.begin(), chosen.end(), [](const Layout& l) { return l.zero_stage == 3; }));
  CHECK(
      std::any_of(chosen.begin(), chosen.end(), [](const Layout& l) { return l.zero_stage == 1; }));
}

TEST_CASE("layout_search: picks the fastest feasible layout of brute force (context parallel)",
          "[layout_search]") {
  // 32k tokens: context parallelism 1-16 is in the domain and memory binds hard.
  const Gpu& h100 = *find_gpu(table(), "H100-SXM");
  for (int gpus : {8, 32}) {
    INFO(gpus << " GPUs");
    const auto l = check_against_brute_force(gpt_shape(32, 4096, 32), gpus, 32768, h100,
                                             Precision::kBf16, on_grid(8e6));
    REQUIRE(l);
    CHECK(l->context_parallel * l->tensor_parallel > 1);  // one GPU cannot hold 32k of 6B
  }
}

TEST_CASE("layout_search: brute force agrees for fp8, A100 and 4-GPU nodes", "[layout_search]") {
  const Shape s = gpt_shape(40, 5120, 40);
  check_against_brute_force(s, 16, 4096, *find_gpu(table(), "H100-SXM"), Precision::kFp8,
                            on_grid(2e6));
  check_against_brute_force(s, 16, 2048, *find_gpu(table(), "A100-80GB"), Precision::kBf16,
                            on_grid(2e6));
  Gpu four = *find_gpu(table(), "H100-SXM");
  four.gpus_per_node = 4;
  check_against_brute_force(s, 16, 4096, four, Precision::kBf16, on_grid(2e6));
}

TEST_CASE("layout_search: brute force agrees for a batch fixed in advance", "[layout_search]") {
  // A run file's batch_tokens: only layouts whose data-parallel ranks x micro-batch divide it.
  const Gpu& h100 = *find_gpu(table(), "H100-SXM");
  const Shape s = gpt_shape(40, 5120, 40);
  for (long long batch : {96LL, 512LL}) {
    INFO("batch " << batch);
    check_against_brute_force(s, 32, 4096, h100, Precision::kBf16,
                              4096.0 * static_cast<double>(batch), batch);
  }
}
