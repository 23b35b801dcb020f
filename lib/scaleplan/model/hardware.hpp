#pragma once
/// GPUs: the table's rows (peaks, memory, links, measured matmul curves) and training precisions.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scaleplan {

/// fp16 is mixed-precision training with loss scaling (Micikevicius et al. 2018), what V100s ran.
enum class Precision { kFp32, kTf32, kBf16, kFp16, kFp8, kFp4 };

/// "bf16" etc.; nullopt for an unknown name.
std::optional<Precision> parse_precision(const std::string& name);
std::string to_string(Precision p);
const std::vector<Precision>& all_precisions();
std::vector<std::string> precision_names();  ///< "fp32", "tf32", "bf16", "fp16", "fp8", "fp4"

/// Achieved dense-matmul time as measured: t = 2 m n k / (fraction x peak) + overhead_s (the fixed
/// cost of a kernel: launch, tail wave), fitted per precision to shared/data/h100_matmul.csv.
struct MatmulCurve {
  double fraction = 0;
  double overhead_s = 0;
};

/// The curve fitted (least squares in log time) to one H100 SXM's matmuls, shared/data/
/// h100_matmul.csv (2026-11): bf16 0.749 of peak + 19.8 us, fp8 0.630 + 27.8 us, tf32 0.809 +
/// 25.2 us (within 6-8% rms of the 9, 9 and 4 measured sizes); fp32 without tensor cores
/// 51.3/66.9 at 8192^3 (+ 25 us). fp4 is ASSUMED to fare like fp8 (no measurement). GPUs without
/// their own measurement use these (an ASSUMPTION marked in configs/gpus.yaml).
MatmulCurve default_matmul_curve(Precision p);

/// FlashAttention-2's share of the bf16 peak over forward and backward: ASSUMPTION pending a
/// measurement on the GPU (docs/models.md gives the published range).
inline constexpr double kDefaultAttentionFraction = 0.45;

/// One row of the GPU table. Units: GB (vendor) and GiB (usable), TB/s, dense TFLOP/s, GB/s per
/// direction for links, USD per GPU-hour.
struct Gpu {
  std::string name;
  std::vector<std::string> aliases;
  std::string vendor;
  double memory_gb = 0;   ///< as the vendor prints it (1e9 bytes)
  double memory_gib = 0;  ///< what the device reports as usable (nvidia-smi), GiB
  double mem_bw_tbps = 0;
  std::map<Precision, double> tflops;  ///< dense peak per precision; absent = unsupported
  double interconnect_gbps = 0;        ///< scale-up link, bidirectional, as datasheets print it
  double nvlink_gbps = 0;              ///< scale-up bandwidth per GPU per direction
  int gpus_per_node = 8;               ///< GPUs sharing the scale-up (NVLink) domain
  double scale_out_gbps = 0;           ///< scale-out NIC bandwidth per GPU per direction
  std::map<Precision, MatmulCurve> matmul;  ///< measured or assumed matmul curve per precision
  double attention_fraction = 0;  ///< FlashAttention's achieved fraction of the bf16 peak
  std::optional<double> price_on_demand_usd_per_gpu_hour;
  std::optional<double> price_spot_usd_per_gpu_hour;
  std::string price_date;  ///< when the prices were read (YYYY-MM[-DD]); empty: undated
  std::string source;
};

struct GpuTable {
  std::string source;  ///< provenance of the table as a whole (file, date)
  std::vector<Gpu> gpus;
};

/// Case-insensitive lookup by name or alias.
const Gpu* find_gpu(const GpuTable& table, const std::string& name);

/// The 16-bit precision attention runs at on `gpu`: bf16, else fp16 (a V100), else fp32 (a GPU
/// table row with neither).
Precision attention_precision(const Gpu& gpu);

/// Peak dense FLOP/s at a precision (0 when unsupported).
double peak_flops_per_s(const Gpu& gpu, Precision p);

}  // namespace scaleplan
