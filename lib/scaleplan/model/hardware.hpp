#pragma once
/// GPUs and their throughput: the table's rows, training precisions and the MFU model.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scaleplan {

enum class Precision { kFp32, kTf32, kBf16, kFp8, kFp4 };

/// "bf16" etc.; nullopt for an unknown name.
std::optional<Precision> parse_precision(const std::string& name);
std::string to_string(Precision p);
const std::vector<Precision>& all_precisions();

/// How a training precision performs relative to bf16 beyond its peak: the fraction of the extra
/// peak a real run achieves, and the effective-parameter factor it costs in quality.
struct PrecisionTraits {
  double throughput_efficiency = 1;  ///< achieved/peak relative to bf16's achieved/peak
  double quality_params_factor = 1;  ///< N_eff / N
};
PrecisionTraits precision_traits(Precision p);

/// One row of the GPU table. Units: GB, TB/s, dense TFLOP/s, GB/s, USD per GPU-hour.
struct Gpu {
  std::string name;
  std::vector<std::string> aliases;
  std::string vendor;
  double memory_gb = 0;
  double mem_bw_tbps = 0;
  std::map<Precision, double> tflops;  ///< dense peak per precision; absent = unsupported
  double interconnect_gbps = 0;
  std::optional<double> price_on_demand_usd_per_gpu_hour;
  std::optional<double> price_spot_usd_per_gpu_hour;
  double mfu = 0.4;  ///< achievable MFU of a large (>= 10B-param) bf16 run
  std::string source;
};

struct GpuTable {
  std::string source;  ///< provenance of the table as a whole (file, date)
  std::vector<Gpu> gpus;
};

/// Case-insensitive lookup by name or alias.
const Gpu* find_gpu(const GpuTable& table, const std::string& name);

/// MFU model (documented in docs/models.md): the GPU's large-model MFU, scaled down for small
/// models whose matmuls cannot fill the GPU: mfu(N) = mfu_large * N / (N + kMfuHalfParams).
inline constexpr double kMfuHalfParams = 1.0e8;
double mfu_for(const Gpu& gpu, double params);

/// Achieved training FLOP/s of one GPU at a precision and MFU.
double achieved_flops_per_s(const Gpu& gpu, Precision p, double mfu);

}  // namespace scaleplan
