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
                                              Precision::kFp16, Precision::kFp8, Precision::kFp4};
  return kAll;
}

std::string to_string(Precision p) {
  switch (p) {
    case Precision::kFp32: return "fp32";
    case Precision::kTf32: return "tf32";
    case Precision::kBf16: return "bf16";
    case Precision::kFp16: return "fp16";
    case Precision::kFp8: return "fp8";
    case Precision::kFp4: return "fp4";
  }
  return "?";
}

std::vector<std::string> precision_names() {
  std::vector<std::string> names;
  for (Precision p : all_precisions()) names.push_back(to_string(p));
  return names;
}

std::optional<Precision> parse_precision(const std::string& name) {
  for (Precision p : all_precisions())
    if (to_string(p) == lower(name)) return p;
  return std::nullopt;
}

// Fitted to shared/data/h100_matmul.csv (see hardware.hpp).
MatmulCurve default_matmul_curve(Precision p) {
  switch (p) {
    case Precision::kFp32: return {0.767, 25e-6};
    case Precision::kTf32: return {0.809, 25.2e-6};
    case Precision::kBf16:
    case Precision::kFp16: return {0.749, 19.8e-6};  // fp16: the same tensor-core rate (ASSUMED)
    case Precision::kFp8:
    case Precision::kFp4: return {0.630, 27.8e-6};
  }
  return {0.749, 19.8e-6};
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

Precision attention_precision(const Gpu& gpu) {
  for (Precision p : {Precision::kBf16, Precision::kFp16})
    if (gpu.tflops.count(p)) return p;
  return Precision::kFp32;
}

double peak_flops_per_s(const Gpu& gpu, Precision p) {
  const auto it = gpu.tflops.find(p);
  return it == gpu.tflops.end() ? 0 : it->second * 1e12;
}

}  // namespace scaleplan
