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
      micro_batch_size, zero_stage;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel, flash_attention, overlap_data_parallel;
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
  /// when needed to fit (an unneeded one is slower).
  std::optional<LayoutChoice> choose(const Shape& shape, int gpus, double optimal_batch_tokens);

  /// Whether some layout fits `shape` on `gpus` GPUs at all (cheap: the leanest layouts only).
  bool fits(const Shape& shape, int gpus);

  /// Every layout considered for the shape on `gpus` GPUs (for tests and brute force).
  std::vector<Layout> candidates(const Shape& shape, int gpus);

  const Gpu& gpu() const { return gpu_; }

 private:
  /// One setting of what a layer's cost depends on (tensor and context parallelism,
  /// micro-batch, recomputation, kernels), with that cost; pipeline depth, data parallelism and
  /// ZeRO are tried per GPU count on top of it.
  struct Candidate {
    Layout layout;
    LayerCost layer;
    LayerActivations activations;
  };
  /// The pipeline depths and virtual stages to try for a shape.
  std::vector<std::pair<int, int>> pipelines(const Shape& shape) const;
  using ShapeKey = std::tuple<int, int, int, int, int, int, int>;
  static ShapeKey key_of(const Shape& shape);
  const std::vector<Candidate>& shape_candidates(const Shape& shape);
  std::optional<LayoutChoice> choose_uncached(const Shape& shape, int gpus,
                                              double optimal_batch_tokens);
  std::vector<int> zero_stages(const Layout& layout, int data_parallel) const;

  Gpu gpu_;
  int seq_len_;
  Precision precision_;
  LayoutRequest request_;
  std::map<ShapeKey, std::vector<Candidate>> cache_;
  /// choose() by shape, GPU count and the optimal batch to 0.5% (it moves with D only slowly).
  std::map<std::tuple<ShapeKey, int, long long>, std::optional<LayoutChoice>> choices_;
};

}  // namespace scaleplan
