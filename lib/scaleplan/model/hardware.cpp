#include "scaleplan/model/hardware.hpp"

#include <algorithm>
#include <cctype>

namespace scaleplan {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

const std::vector<Precision>& all_precisions() {
  static const std::vector<Precision> kAll = {Precision::kFp32, Precision::kTf32, Precision::kBf16,
                                              Precision::kFp8, Precision::kFp4};
  return kAll;
}

std::string to_string(Precision p) {
  switch (p) {
    case Precision::kFp32: return "fp32";
    case Precision::kTf32: return "tf32";
    case Precision::kBf16: return "bf16";
    case Precision::kFp8: return "fp8";
    case Precision::kFp4: return "fp4";
  }
  return "?";
}

std::optional<Precision> parse_precision(const std::string& name) {
  for (Precision p : all_precisions())
    if (to_string(p) == lower(name)) return p;
  return std::nullopt;
}

// Throughput: measured dense matmul on one H100 SXM (shared/data/gpus_reference.SOURCE.md,
// 2026-11): bf16 790/989.4 = 79.8% of peak, fp8 1300/1978.9 = 65.7% of peak, so an fp8 run
// achieves 0.823 of the fraction of peak a bf16 run does. fp4 is assumed to fare like fp8 (no
// measurement). Quality: fp8 training with fine-grained scaling matches bf16 (assumption,
// DeepSeek-V3 2024 reports < 0.25% relative loss error); fp4 pays the weight term of Kumar et
// al. 2024 Eq. 4 at P = 4 bits: 1 - exp(-4/2.6745 + 0.3037) = 0.696 (App. K Table 2).
PrecisionTraits precision_traits(Precision p) {
  switch (p) {
    case Precision::kFp8: return {0.823, 1.0};
    case Precision::kFp4: return {0.823, 0.696};
    default: return {1.0, 1.0};
  }
}

const Gpu* find_gpu(const GpuTable& table, const std::string& name) {
  const std::string key = lower(name);
  for (const Gpu& gpu : table.gpus) {
    if (lower(gpu.name) == key) return &gpu;
    for (const std::string& alias : gpu.aliases)
      if (lower(alias) == key) return &gpu;
  }
  return nullptr;
}

double mfu_for(const Gpu& gpu, double params) {
  return gpu.mfu * params / (params + kMfuHalfParams);
}

double achieved_flops_per_s(const Gpu& gpu, Precision p, double mfu) {
  const auto it = gpu.tflops.find(p);
  if (it == gpu.tflops.end()) return 0;
  return it->second * 1e12 * mfu * precision_traits(p).throughput_efficiency;
}

}  // namespace scaleplan
