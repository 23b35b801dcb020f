#pragma once
/// What the user has: money or GPU time, GPUs, a deadline, data, and the model family.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/cost.hpp"
#include "scaleplan/model/data_pools.hpp"
#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/inference.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/model/precision.hpp"
#include "scaleplan/model/roi.hpp"
#include "scaleplan/input_error.hpp"
#include "scaleplan/model/recipe.hpp"
#include "scaleplan/model/spot.hpp"

namespace scaleplan {

enum class BudgetKind { kUsd, kGpuHours, kFlops };
std::string_view budget_field(BudgetKind kind);  ///< "budget.usd" etc. (static storage)

/// on_demand and spot are prices; cheapest lets the planner choose per plan.
enum class Pricing { kOnDemand, kSpot, kCheapest };
std::string to_string(Pricing p);

/// What the planner optimises (docs/economics.md).
enum class Objective { kMinimizeLoss, kMinimizeCost, kMaximizeProfit };
std::string to_string(Objective o);

/// The `inference:` section: how the trained model will be served.
struct InferenceBudget {
  std::string gpu;                ///< name in the GPU table
  std::optional<Gpu> resolved;    ///< filled from the table by the caller before planning
  ServingPrecision precision = ServingPrecision::kBf16;
  double latency_ms_per_token = 0;
  std::optional<double> ttft_ms;
  double prompt_tokens = 500, tokens_per_query = 300, lifetime_queries = 0;
  std::optional<int> tensor_parallel;  ///< GPUs per replica; none: the smallest that serves
  double decode_efficiency = kDefaultDecodeEfficiency;
};

/// What the user allows a lever: model.params, data.tokens or data.tokens_per_param. A fixed
/// value in the file is min = max (widened by kFixedParamsTolerance for model.params and by
/// kFixedTokensPerParamTolerance for data.tokens_per_param).
struct Bounds {
  std::optional<double> min, max;
  bool contains(double x) const { return (!min || x >= *min) && (!max || x <= *max); }
};

/// A fixed `model.params: N` is met by any shape within this share of N: the shapes the planner
/// builds (multiples of 128 wide, whole layers) are a few percent apart near any N.
inline constexpr double kFixedParamsTolerance = 0.05;
/// A fixed `data.tokens_per_param: r` is met within a millionth of r: D is continuous, but the
/// search approaches a bound from inside, so min = max exactly would leave it no room.
inline constexpr double kFixedTokensPerParamTolerance = 1e-6;

/// The model families the planner may choose (model.architectures): dense transformers, or
/// Mixture-of-Experts ones (architecture.hpp: with_experts) at each of model.experts.
enum class Architecture { kDense, kMoe };
std::string to_string(Architecture a);

/// model.experts when absent: the powers of two up to the joint MoE law's fitted E <= 32
/// (Ludziejewski et al. 2025, App. E) from 4, a small set the planner tries each of.
inline const std::vector<int> kDefaultExperts = {4, 8, 16, 32};

struct Budget {
  BudgetKind kind = BudgetKind::kUsd;
  double amount = 0;  ///< in the unit of `kind`: USD, GPU-hours or FLOPs
  std::optional<double> deadline_hours;

  std::string gpu;                   ///< name or alias in the GPU table: the one a plan is for
  /// hardware.gpu as given: one name, or several the planner chooses among (`gpu` is the
  /// first); positions "hardware.gpu[i]".
  std::vector<std::string> gpu_choices;
  std::optional<int> count;          ///< fixed GPU count, or
  std::optional<int> max_count;      ///< the planner chooses up to this many
  Pricing pricing = Pricing::kOnDemand;
  std::optional<double> price_on_demand_usd_per_gpu_hour;  ///< overrides the table
  std::optional<double> price_spot_usd_per_gpu_hour;
  std::optional<double> mfu;  ///< replaces the step-time model's MFU
  std::optional<double> goodput;           ///< overrides kDefaultGoodput
  std::optional<int> gpus_per_node;        ///< overrides the GPU table's NVLink domain
  std::optional<double> scale_out_gbps;    ///< overrides the table's NIC bandwidth per GPU
  SpotInputs spot;            ///< interruption rate, instance size, checkpoint bandwidth

  std::string law = kDefaultLaw;  ///< preset name or path to a law YAML file
  FlopsConvention flops_per_token = FlopsConvention::kDetailed;
  std::vector<Precision> precisions = {Precision::kBf16};
  int seq_len = 4096;
  int vocab = kDefaultVocab;
  /// model.aspect_ratio: d_model / n_layer of the planned shapes (a convention: the laws do not
  /// price the shape; architecture.hpp, kAspectRatio).
  double aspect_ratio = kAspectRatio;
  ScheduleKind schedule = ScheduleKind::kWsd;
  /// model.hyperparameter_law: the law the peak LR and the optimal batch come from.
  HyperparameterLaw hyperparameter_law = kDefaultHyperparameterLaw;
  /// model.critical_batch: where the batch-noise scale of the batch's data cost comes from.
  CriticalBatchLaw critical_batch = kDefaultCriticalBatchLaw;
  /// model.precision_quality: the user's own quality factor N_eff / N per precision, in [0.01, 1],
  /// replacing Kumar et al.'s (precision.hpp).
  std::map<Precision, double> precision_quality;
  /// model.fp4_overhead: fp4 stabilisation as a share of the fp4 GEMM time (ASSUMPTION default).
  double fp4_overhead = kDefaultFp4Overhead;
  std::vector<Architecture> architectures = {Architecture::kDense};  ///< model.architectures
  std::vector<int> experts = kDefaultExperts;  ///< model.experts: the MoE expert counts tried
  int top_k = 1;                               ///< model.top_k: routed experts per token

  std::optional<double> unique_tokens;
  Bounds params_bounds;            ///< model.params (non-embedding, as the law counts)
  Bounds tokens_bounds;            ///< data.tokens
  Bounds tokens_per_param_bounds;  ///< data.tokens_per_param
  std::optional<double> max_epochs;  ///< data.max_epochs: D <= max_epochs x unique_tokens
  /// data.sources: pools of different quality (Goyal et al. 2024, data_pools.hpp). When no pool
  /// gives a quality, the parser adds their unique tokens into unique_tokens (Muennighoff's
  /// single-pool law) and this stays empty.
  std::vector<DataPool> sources;

  Objective objective = Objective::kMinimizeLoss;
  std::optional<double> target_loss;  ///< for minimize_cost
  std::optional<InferenceBudget> inference;
  std::optional<Roi> roi;

  /// Where each field was read ("hardware.gpu" -> file:line:col), for later error messages.
  std::map<std::string, SourcePos> positions;
  SourcePos position_of(const std::string& field) const;
};

}  // namespace scaleplan
