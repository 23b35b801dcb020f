#include "scaleplan/io/gpus_yaml.hpp"

#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

// The key tables; docs/gpus.md documents the same keys.

const KeyTable& tflops_keys() {
  static const KeyTable t = [] {
    KeyTable tflops{"Dense peak TFLOP/s per precision (absent = unsupported)", {}, {}};
    for (Precision p : all_precisions())
      tflops.keys.push_back({.name = to_string(p), .unit = "TFLOP/s",
                             .description = "dense peak in " + to_string(p),
                             .range = Range::kPositive, .max = kMaxTflops});
    return tflops;
  }();
  return t;
}

/// A per-precision mapping of one calibration figure (the matmul curve's fraction or overhead).
KeyTable per_precision_keys(const std::string& description, const std::string& unit,
                            std::optional<double> max) {
  KeyTable t{description, {}, {}};
  for (Precision p : all_precisions())
    t.keys.push_back({.name = to_string(p), .unit = unit, .description = to_string(p),
                      .range = Range::kPositive, .max = max});
  return t;
}

const KeyTable& matmul_fraction_keys() {
  static const KeyTable t = per_precision_keys(
      "The matmul curve's share of the dense peak per precision (t = 2mnk / (fraction x peak) "
      "+ overhead); the curve measured on an H100 when absent",
      "fraction of peak", 1.0);
  return t;
}

const KeyTable& matmul_overhead_keys() {
  static const KeyTable t = per_precision_keys(
      "The matmul curve's fixed cost per kernel per precision; the H100's when absent",
      "microseconds", 1e6);
  return t;
}

const KeyTable& price_keys() {
  static const KeyTable t{
      "Indicative prices per GPU-hour; absent ones must come from the budget",
      {{.name = "on_demand", .unit = "USD per GPU-hour", .description = "on-demand price",
        .range = Range::kPositive, .max = kMaxPriceUsdPerGpuHour},
       {.name = "spot", .unit = "USD per GPU-hour", .description = "spot price",
        .range = Range::kPositive, .max = kMaxPriceUsdPerGpuHour}},
      {}};
  return t;
}

const KeyTable& gpu_keys() {
  static const KeyTable t{
      "One GPU",
      {{.name = "name", .type = KeyType::kString,
        .description = "the name budgets use (case-insensitive)", .required = true},
       {.name = "aliases", .type = KeyType::kStringList, .description = "other accepted names"},
       {.name = "vendor", .type = KeyType::kString, .description = "maker"},
       {.name = "memory_gb", .unit = "GB", .description = "device memory",
        .range = Range::kPositive, .max = kMaxMemoryGb, .required = true},
       {.name = "memory_gib", .unit = "GiB",
        .description = "usable capacity as the device reports it (nvidia-smi); memory_gb in "
                       "GiB when absent",
        .range = Range::kPositive, .max = kMaxMemoryGb},
       {.name = "mem_bw_tbps", .unit = "TB/s", .description = "peak memory bandwidth",
        .range = Range::kPositive, .max = kMaxMemBwTbps, .required = true},
       {.name = "tflops", .type = KeyType::kMap, .description = "dense peak per precision",
        .required = true, .missing = "missing", .table = &tflops_keys()},
       {.name = "interconnect_gbps", .unit = "GB/s",
        .description = "bidirectional scale-up link per device, as datasheets print it",
        .range = Range::kPositive, .max = kMaxInterconnectGbps},
       {.name = "nvlink_gbps", .unit = "GB/s per GPU per direction",
        .description = "scale-up (NVLink, Infinity Fabric, ICI, PCIe) bandwidth per GPU",
        .range = Range::kPositive, .max = kMaxInterconnectGbps, .required = true},
       {.name = "gpus_per_node", .type = KeyType::kInteger, .unit = "GPUs",
        .description = "GPUs sharing one scale-up domain", .range = Range::kPositive,
        .default_value = 8},
       {.name = "scale_out_gbps", .unit = "GB/s per GPU per direction",
        .description = "scale-out network (NIC) bandwidth per GPU", .range = Range::kPositive,
        .max = kMaxInterconnectGbps, .required = true},
       {.name = "matmul_fraction", .type = KeyType::kMap,
        .description = "measured matmul curve: share of peak per precision",
        .table = &matmul_fraction_keys()},
       {.name = "matmul_overhead_us", .type = KeyType::kMap,
        .description = "measured matmul curve: fixed cost per kernel per precision",
        .table = &matmul_overhead_keys()},
       {.name = "attention_fraction", .unit = "fraction of the bf16 peak",
        .description = "FlashAttention's achieved share of the bf16 peak, forward and backward",
        .range = Range::kPositive, .max = 1, .default_value = kDefaultAttentionFraction},
       {.name = "price_usd_per_gpu_hour", .type = KeyType::kMap,
        .description = "{on_demand, spot}", .table = &price_keys()},
       {.name = "price_date", .type = KeyType::kString,
        .description = "when the prices were read: YYYY-MM or YYYY-MM-DD (`scaleplan gpus` shows "
                       "it; a price without one is shown as undated)",
        .example = "2026-05"},
       {.name = "source", .type = KeyType::kString, .description = "where the figures come from"}},
      {}};
  return t;
}

const KeyTable& root_keys() {
  static const KeyTable t{
      "A GPU throughput table (docs/gpus.md)",
      {{.name = "source", .type = KeyType::kString, .description = "where the table comes from"},
       {.name = "gpus", .type = KeyType::kMapList, .description = "the GPUs",
        .required = true, .missing = "expected a non-empty list of GPUs", .table = &gpu_keys(),
        .min_items = 1}},
      {}};
  return t;
}

/// YYYY-MM or YYYY-MM-DD naming a real month and day (February 29 in leap years only).
bool is_price_date(const std::string& text) {
  const auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    return true;
  };
  if (!(text.size() == 7 || text.size() == 10) || !digits(0, 4) || text[4] != '-' ||
      !digits(5, 2))
    return false;
  const int month = std::stoi(text.substr(5, 2));
  if (month < 1 || month > 12) return false;
  if (text.size() == 7) return true;
  if (text[7] != '-' || !digits(8, 2)) return false;
  const int year = std::stoi(text.substr(0, 4));
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int day = std::stoi(text.substr(8, 2));
  return day >= 1 && day <= days[month - 1];
}

/// A GPU name prints in one table cell and, unquoted, in one CSV field (whatif, frontier): not
/// empty, no control character (a newline would break every table row), comma or double quote,
/// no space at either end.
bool is_gpu_name(const std::string& text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ',' || c == '"') return false;
  return true;
}

Gpu read_gpu(const YamlMap& m) {
  m.check_keys();
  Gpu gpu;
  gpu.name = *m.string("name");
  const std::string rule =
      "a name is text without control characters, commas, double quotes or spaces at its ends";
  if (!is_gpu_name(gpu.name)) m.fail("name", rule + ", got " + quote(gpu.name));
  if (m.has("aliases")) {
    const YAML::Node aliases = m.get("aliases");
    if (!aliases.IsSequence()) m.fail("aliases", "expected a list of names");
    for (const YAML::Node& a : aliases) {
      if (!a.IsScalar()) m.fail("aliases", "expected a list of names");
      if (!is_gpu_name(a.Scalar())) m.fail("aliases", rule + ", got " + quote(a.Scalar()));
      gpu.aliases.push_back(a.Scalar());
    }
  }
  gpu.vendor = m.string("vendor").value_or("");
  gpu.memory_gb = *m.number("memory_gb");
  gpu.mem_bw_tbps = *m.number("mem_bw_tbps");
  gpu.memory_gib = m.number("memory_gib").value_or(gpu.memory_gb * 1e9 / (1u << 30));
  gpu.interconnect_gbps = m.number("interconnect_gbps").value_or(0);
  gpu.nvlink_gbps = *m.number("nvlink_gbps");
  gpu.gpus_per_node = m.integer("gpus_per_node").value_or(8);
  gpu.scale_out_gbps = *m.number("scale_out_gbps");
  const YamlMap tflops = m.map("tflops");
  tflops.check_keys();
  for (Precision p : all_precisions())
    if (const auto v = tflops.number(to_string(p))) gpu.tflops[p] = *v;
  // Matmul curves: the GPU's own where measured, else the one measured on an H100.
  for (Precision p : all_precisions()) gpu.matmul[p] = default_matmul_curve(p);
  for (const auto& [key, scale] : {std::pair{"matmul_fraction", 1.0},
                                   std::pair{"matmul_overhead_us", 1e-6}}) {
    if (!m.has(key)) continue;
    const YamlMap values = m.map(key);
    values.check_keys();
    for (Precision p : all_precisions()) {
      const auto v = values.number(to_string(p));
      if (!v) continue;
      MatmulCurve& curve = gpu.matmul[p];
      (scale == 1.0 ? curve.fraction : curve.overhead_s) = *v * scale;
    }
  }
  gpu.attention_fraction = m.number("attention_fraction").value_or(kDefaultAttentionFraction);
  if (m.has("price_usd_per_gpu_hour")) {
    const YamlMap price = m.map("price_usd_per_gpu_hour");
    price.check_keys();
    gpu.price_on_demand_usd_per_gpu_hour = price.number("on_demand");
    gpu.price_spot_usd_per_gpu_hour = price.number("spot");
  }
  if (const auto date = m.string("price_date")) {
    if (!is_price_date(*date))
      m.fail("price_date", "expected YYYY-MM or YYYY-MM-DD, got " + quote(*date));
    if (!m.has("price_usd_per_gpu_hour"))
      m.fail("price_date", "dates a price, and price_usd_per_gpu_hour is not given");
    gpu.price_date = *date;
  }
  gpu.source = m.string("source").value_or("");
  return gpu;
}

}  // namespace

const KeyTable& gpu_table_keys() { return root_keys(); }

GpuTable parse_gpu_table(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file, gpu_table_keys());
  root.check_keys();
  GpuTable table;
  table.source = root.string("source").value_or(file);
  const YAML::Node gpus = root.get("gpus");
  if (!gpus.IsSequence() || gpus.size() < root.spec("gpus").min_items)
    throw InputError(root.pos("gpus"), "gpus", "expected a non-empty list of GPUs");
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    if (!gpus[i].IsMap())
      throw InputError(position(file, gpus[i]), "gpus", "expected a mapping for each GPU");
    const Gpu gpu = read_gpu({gpus[i], file, "gpus[" + std::to_string(i) + "]", &gpu_keys()});
    if (find_gpu(table, gpu.name))
      throw InputError(position(file, gpus[i]), "gpus", "GPU " + quote(gpu.name) + " listed twice");
    table.gpus.push_back(gpu);
  }
  return table;
}

}  // namespace scaleplan
