#include "scaleplan/planner/layout_search.hpp"

#include <algorithm>
#include <cmath>

#include "scaleplan/model/memory.hpp"
#include "scaleplan/model/recipe.hpp"

namespace scaleplan {
namespace {

/// Pipeline depths the planner tries: small counts and 2^k, 3 x 2^k, 5 x 2^k up to 128, so GPU
/// counts that are not powers of two still split evenly.
const std::vector<int>& pipeline_depths() {
  static const std::vector<int> kDepths = {1,  2,  3,  4,  5,  6,  8,  10, 12, 16,
                                           20, 24, 32, 40, 48, 64, 80, 96, 128};
  return kDepths;
}

/// Context parallelism pays only for long sequences (ASSUMPTION: from 16k tokens; Llama 3 used it
/// for its 128k stage, Dubey et al. 2024 Sec. 3.3.2), keeping chunks of at least 2k tokens.
constexpr int kContextParallelFromSeq = 16384;
constexpr int kMinContextChunk = 2048;

std::vector<int> values_or(const std::optional<int>& fixed, std::vector<int> all) {
  if (fixed) return {*fixed};
  return all;
}

/// Expert-parallel degrees for a shape: 1 for a dense one, else the powers of two dividing its
/// experts.
std::vector<int> expert_degrees(const Shape& s) {
  std::vector<int> out = {1};
  if (is_moe(s))
    for (int ep = 2; ep <= s.moe.experts && s.moe.experts % ep == 0; ep *= 2) out.push_back(ep);
  return out;
}

}  // namespace

LayoutSearch::LayoutSearch(const Gpu& gpu, int seq_len, Precision precision, LayoutRequest request)
    : gpu_(gpu), seq_len_(seq_len), precision_(precision), request_(std::move(request)) {}

std::vector<int> LayoutSearch::zero_stages(const Layout& l, int data_parallel) const {
  if (request_.zero_stage) return {*request_.zero_stage};
  if (l.pipeline_parallel == 1 && data_parallel > 1) return {1, 3};
  return {1};
}

LayoutSearch::ShapeKey LayoutSearch::key_of(const Shape& s) {
  return {s.n_layer,  s.d_model,         s.n_head,        s.n_kv_heads,
          s.ffn_hidden, static_cast<int>(s.ffn_kind), s.vocab, s.moe.experts,
          s.moe.top_k, s.moe.shared_experts, s.moe.expert_hidden, s.moe.max_nodes_per_token};
}

const LayoutSearch::ShapeEntry& LayoutSearch::shape_entry(const Shape& s) {
  const ShapeKey key = key_of(s);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  ShapeEntry& entry = cache_[key];
  for (int pp : values_or(request_.pipeline_parallel, pipeline_depths())) {
    if (pp > s.n_layer) break;
    for (int v : values_or(request_.virtual_stages, {1, 2, 4, 8}))
      if (pp * v <= s.n_layer && (v == 1 || pp > 1)) entry.pipelines.emplace_back(pp, v);
  }
  std::vector<Candidate>& out = entry.candidates;

  std::vector<int> tps, cps;
  for (int tp = 1; tp <= std::min(gpu_.gpus_per_node, 64); tp *= 2) tps.push_back(tp);
  for (int cp = 1; cp <= 32; cp *= 2)
    if (cp == 1 || (seq_len_ >= kContextParallelFromSeq && seq_len_ / cp >= kMinContextChunk))
      cps.push_back(cp);
  // Lean first: the search skips recomputation for a layout that fits without it.
  std::vector<Recompute> recomputes = {Recompute::kNone, Recompute::kFull};
  const bool flash = request_.flash_attention.value_or(true);
  if (!flash) recomputes.insert(recomputes.begin() + 1, Recompute::kSelective);
  if (request_.recompute) recomputes = {*request_.recompute};

  for (int tp : values_or(request_.tensor_parallel, tps))
    for (int cp : values_or(request_.context_parallel, cps))
      for (int mbs : values_or(request_.micro_batch_size, {1, 2, 4, 8}))
        for (int ep : values_or(request_.expert_parallel, expert_degrees(s)))
        for (Recompute recompute : recomputes) {
          Layout l;
          l.expert_parallel = ep;
          l.tensor_parallel = tp;
          l.context_parallel = cp;
          l.micro_batch_size = mbs;
          l.recompute = recompute;
          l.sequence_parallel = request_.sequence_parallel.value_or(tp > 1);
          l.flash_attention = flash;
          l.overlap_data_parallel = request_.overlap_data_parallel.value_or(true);
          l.overlap_expert_parallel = request_.overlap_expert_parallel.value_or(false);
          l.kernels = request_.kernels.value_or(Kernels::kFused);
          if (!layout_problem(l, s, seq_len_).empty()) continue;
          const LayerCost layer = layer_cost(s, seq_len_, l, gpu_, precision_);
          const double kernels =
              s.n_layer * layer.kernels() + layer.head_forward_s + layer.head_backward_s;
          out.push_back({l, layer, layer_activations(s, seq_len_, l),
                         kernels * tp * cp / (static_cast<double>(mbs) * seq_len_)});
        }
  // Stable: ties keep the enumeration order, so the choice does not depend on the sort.
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.bound_times_gpus < b.bound_times_gpus;
  });
  return entry;
}

std::vector<Layout> LayoutSearch::candidates(const Shape& shape, int gpus) {
  std::vector<Layout> out;
  const ShapeEntry& entry = shape_entry(shape);
  for (const Candidate& c : entry.candidates)
    for (const auto& [pp, v] : entry.pipelines) {
      const int per_replica = c.layout.tensor_parallel * c.layout.context_parallel * pp;
      if (gpus % per_replica != 0) continue;
      Layout l = c.layout;
      l.pipeline_parallel = pp;
      l.virtual_stages = v;
      l.data_parallel = gpus / per_replica;
      if (l.data_parallel % l.expert_parallel != 0) continue;
      for (int zero : zero_stages(l, l.data_parallel)) {
        l.zero_stage = zero;
        out.push_back(l);
      }
    }
  return out;
}

std::optional<LayoutChoice> LayoutSearch::choose(const Shape& shape, int gpus,
                                                 double optimal_batch_tokens,
                                                 double noise_batch_tokens) {
  const long long bucket = std::llround(std::log(optimal_batch_tokens) / 0.005);
  const double noise_ratio =
      noise_batch_tokens > 0 ? noise_batch_tokens / optimal_batch_tokens : 1.0;
  const long long noise_bucket = std::llround(std::log(noise_ratio) / 0.005);
  const auto key = std::make_tuple(key_of(shape), gpus, bucket, noise_bucket);
  if (auto it = choices_.find(key); it != choices_.end()) return it->second;
  // Chosen at the bucket's centre, so the answer does not depend on the order of the calls.
  const double optimal = std::exp(0.005 * static_cast<double>(bucket));
  return choices_[key] = choose_uncached(
             shape, gpus, optimal, optimal * std::exp(0.005 * static_cast<double>(noise_bucket)),
             std::nullopt);
}

std::optional<LayoutChoice> LayoutSearch::choose_for_batch(const Shape& shape, int gpus,
                                                           long long batch_sequences) {
  const double batch = static_cast<double>(batch_sequences) * seq_len_;
  return choose_uncached(shape, gpus, batch, batch, batch_sequences);
}

std::optional<LayoutChoice> LayoutSearch::choose_uncached(const Shape& shape, int gpus,
                                                          double optimal_batch_tokens,
                                                          double noise_batch_tokens,
                                                          std::optional<long long> fixed_batch) {
  const double usable = usable_memory_bytes(gpu_);
  std::optional<LayoutChoice> best;
  // Layouts that fit without recomputation: the same one with recomputation cannot win.
  std::vector<Layout> fit_without;
  const ShapeEntry& entry = shape_entry(shape);
  for (const Candidate& c : entry.candidates) {
    if (best && c.bound_times_gpus / gpus >= best->seconds_per_useful_token)
      break;  // nor can any after it
    for (const auto& [pp, v] : entry.pipelines) {
      const int ranks = c.layout.tensor_parallel * c.layout.context_parallel * pp;
      if (gpus % ranks != 0) continue;
      Layout l = c.layout;
      l.pipeline_parallel = pp;
      l.virtual_stages = v;
      l.data_parallel = gpus / ranks;
      if (l.data_parallel % l.expert_parallel != 0) continue;
      const long long unit = static_cast<long long>(l.data_parallel) * l.micro_batch_size;
      const double kernels = layers_per_stage(shape, l) * c.layer.kernels() +
                             c.layer.head_forward_s + c.layer.head_backward_s;
      if (best &&
          kernels / (static_cast<double>(unit) * seq_len_) >= best->seconds_per_useful_token)
        continue;  // its kernels alone are slower than the best so far
      if (fixed_batch && *fixed_batch % unit != 0) continue;
      const long long batch =
          fixed_batch ? *fixed_batch : global_batch_sequences(optimal_batch_tokens, seq_len_, unit);
      const int micro_batches = static_cast<int>(std::min<long long>(batch / unit, 1 << 30));
      const double useful =
          static_cast<double>(batch) * seq_len_ *
          batch_data_efficiency(static_cast<double>(batch) * seq_len_, optimal_batch_tokens,
                                noise_batch_tokens);
      const MicroBatchTime time = micro_batch_time(c.layer, shape, l);
      for (int zero : zero_stages(l, l.data_parallel)) {
        l.zero_stage = zero;
        const auto leaner = [&](const Layout& f) {
          return f.tensor_parallel == l.tensor_parallel &&
                 f.context_parallel == l.context_parallel &&
                 f.micro_batch_size == l.micro_batch_size &&
                 f.pipeline_parallel == l.pipeline_parallel &&
                 f.virtual_stages == l.virtual_stages && f.zero_stage == zero &&
                 f.expert_parallel == l.expert_parallel;
        };
        if (l.recompute != Recompute::kNone &&
            std::any_of(fit_without.begin(), fit_without.end(), leaner))
          continue;
        if (training_memory(c.activations, shape, seq_len_, l, micro_batches).total() > usable)
          continue;
        if (l.recompute == Recompute::kNone) fit_without.push_back(l);
        const StepTime step = step_time(time, l, micro_batches, gpu_);
        const double cost = step.seconds / useful;
        if (!best || cost < best->seconds_per_useful_token)
          best = LayoutChoice{l, batch, step, cost};
      }
    }
  }
  return best;
}

bool LayoutSearch::fits(const Shape& shape, int gpus) {
  const double usable = usable_memory_bytes(gpu_);
  std::vector<int> tps, cps;
  for (int tp = 1; tp <= std::min(gpu_.gpus_per_node, 64); tp *= 2) tps.push_back(tp);
  for (int cp = 1; cp <= 32; cp *= 2)
    if (cp == 1 || (seq_len_ >= kContextParallelFromSeq && seq_len_ / cp >= kMinContextChunk))
      cps.push_back(cp);
  for (int tp : values_or(request_.tensor_parallel, tps))
    for (int cp : values_or(request_.context_parallel, cps))
      for (int pp : values_or(request_.pipeline_parallel, pipeline_depths())) {
        if (pp > shape.n_layer || gpus % (tp * cp * pp) != 0) continue;
        Layout l;  // the leanest: full recomputation, one sequence per micro-batch
        l.tensor_parallel = tp;
        l.context_parallel = cp;
        l.pipeline_parallel = pp;
        l.data_parallel = gpus / (tp * cp * pp);
        l.micro_batch_size = request_.micro_batch_size.value_or(1);
        l.recompute = request_.recompute.value_or(Recompute::kFull);
        l.sequence_parallel = request_.sequence_parallel.value_or(tp > 1);
        l.flash_attention = request_.flash_attention.value_or(true);
        l.virtual_stages = request_.virtual_stages.value_or(1);
        l.kernels = request_.kernels.value_or(Kernels::kFused);
        // The most expert parallelism the data-parallel ranks allow holds the fewest experts.
        int most_experts_split = 0;
        for (int ep : values_or(request_.expert_parallel, expert_degrees(shape)))
          if (l.data_parallel % ep == 0) most_experts_split = ep;
        if (most_experts_split == 0) continue;
        l.expert_parallel = most_experts_split;
        if (!layout_problem(l, shape, seq_len_).empty()) continue;
        const std::vector<int> zeros = zero_stages(l, l.data_parallel);
        l.zero_stage = *std::max_element(zeros.begin(), zeros.end());
        if (training_memory(shape, seq_len_, l, pp).total() <= usable) return true;
      }
  return false;
}

}  // namespace scaleplan
