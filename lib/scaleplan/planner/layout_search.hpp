#pragma once
/// Choosing the parallel layout of a run: every layout the planner considers for a shape on a
/// GPU count, the ones that fit in memory, and the fastest of them per useful token.

#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/layout.hpp"
#include "scaleplan/model/memory.hpp"
#include "scaleplan/model/throughput.hpp"

namespace scaleplan {

/// Layout fields a run file fixes; the planner chooses the others.
struct LayoutRequest {
  std::optional<int> tensor_parallel, pipeline_parallel, virtual_stages, context_parallel,
      micro_batch_size, zero_stage, expert_parallel;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel, flash_attention, overlap_data_parallel,
      overlap_expert_parallel;
  std::optional<Kernels> kernels;
};

/// A chosen layout with the batch it runs and what a step costs.
struct LayoutChoice {
  Layout layout;
  long long batch_sequences = 0;
  StepTime step;
  double seconds_per_useful_token = 0;  ///< step time / (batch tokens x batch data efficiency)
};

/// The search over layouts for one GPU, sequence length, precision and request. It caches what
/// does not depend on the GPU count or batch (each layer's and micro-batch's time per shape), so
/// a planner that tries many counts and model sizes pays for each shape once.
class LayoutSearch {
 public:
  LayoutSearch(const Gpu& gpu, int seq_len, Precision precision, LayoutRequest request = {});

  /// The layout with the lowest step time per useful token among those that fit in memory, at
  /// the global batch nearest the law's optimum (recipe.hpp: global_batch_sequences);
  /// nullopt when none fits. Tensor parallelism stays inside one NVLink domain, sequence
  /// parallelism is on with it, ZeRO 3 only without pipeline parallelism, recomputation only
  /// when needed to fit (an unneeded one is slower); an MoE's expert parallelism is a power of
  /// two that divides its experts and the data-parallel degree.
  /// `noise_batch_tokens` is B_noise in the data a batch above the optimum wastes (recipe.hpp;
  /// 0: the optimum itself).
  std::optional<LayoutChoice> choose(const Shape& shape, int gpus, double optimal_batch_tokens,
                                     double noise_batch_tokens = 0);
  /// The same for a batch fixed in advance (a run file's batch_tokens): only layouts whose
  /// data-parallel ranks x micro-batch divide it.
  std::optional<LayoutChoice> choose_for_batch(const Shape& shape, int gpus,
                                               long long batch_sequences);

  /// Whether some layout fits `shape` on `gpus` GPUs at all (cheap: the leanest layouts only).
  bool fits(const Shape& shape, int gpus);

  /// Every layout considered for the shape on `gpus` GPUs (for tests and brute force).
  std::vector<Layout> candidates(const Shape& shape, int gpus);

  const Gpu& gpu() const { return gpu_; }

 private:
  /// One setting of what a layer's cost depends on (tensor and context parallelism,
  /// micro-batch, recomputation, kernels), with that cost; pipeline depth, data parallelism and
  /// ZeRO are tried per GPU count on top of it.
  /// One setting of what a layer's cost depends on (tensor and context parallelism,
  /// micro-batch, recomputation, kernels), with that cost; pipeline depth, data parallelism and
  /// ZeRO are tried per GPU count on top of it.
  struct Candidate {
    Layout layout;
    LayerCost layer;
    LayerActivations activations;
    /// A lower bound on seconds per useful token times the GPU count, whatever the pipeline:
    /// the kernels alone, (layers x layer + head) x tensor x context ranks / (micro-batch x seq)
    /// (a batch above the optimum only raises it).
    double bound_times_gpus;
  };
  /// What the search keeps per shape: its candidates, sorted by bound so the search stops at
  /// the first that cannot beat the best so far, and the (pipeline depth, virtual stages) to try.
  struct ShapeEntry {
    std::vector<Candidate> candidates;
    std::vector<std::pair<int, int>> pipelines;
  };
  using ShapeKey = std::tuple<int, int, int, int, int, int, int, int, int, int, int, int>;
  static ShapeKey key_of(const Shape& shape);
  const ShapeEntry& shape_entry(const Shape& shape);
  std::optional<LayoutChoice> choose_uncached(const Shape& shape, int gpus,
                                              double optimal_batch_tokens,
                                              double noise_batch_tokens,
                                              std::optional<long long> fixed_batch);
  std::vector<int> zero_stages(const Layout& layout, int data_parallel) const;

  Gpu gpu_;
  int seq_len_;
  Precision precision_;
  LayoutRequest request_;
  std::map<ShapeKey, ShapeEntry> cache_;
  /// choose() by shape, GPU count and the optimal batch to 0.5% (it moves with D only slowly).
  /// (and B_noise / B_opt to 0.5%).
  std::map<std::tuple<ShapeKey, int, long long, long long>, std::optional<LayoutChoice>> choices_;
};

}  // namespace scaleplan
