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
                             .range = Range::kPositive});
    return tflops;
  }();
  return t;
}

const KeyTable& price_keys() {
  static const KeyTable t{
      "Indicative prices per GPU-hour; absent ones must come from the budget",
      {{.name = "on_demand", .unit = "USD per GPU-hour", .description = "on-demand price",
        .range = Range::kPositive},
       {.name = "spot", .unit = "USD per GPU-hour", .description = "spot price",
        .range = Range::kPositive}},
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
        .range = Range::kPositive, .required = true},
       {.name = "mem_bw_tbps", .unit = "TB/s", .description = "peak memory bandwidth",
        .range = Range::kPositive, .required = true},
       {.name = "tflops", .type = KeyType::kMap, .description = "dense peak per precision",
        .required = true, .missing = "missing", .table = &tflops_keys()},
       {.name = "interconnect_gbps", .unit = "GB/s",
        .description = "bidirectional scale-up link per device", .range = Range::kPositive},
       {.name = "price_usd_per_gpu_hour", .type = KeyType::kMap,
        .description = "{on_demand, spot}", .table = &price_keys()},
       {.name = "mfu", .unit = "fraction of peak", .description = "MFU of a large bf16 run",
        .range = Range::kPositive, .max = 1, .required = true},
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

Gpu read_gpu(const YamlMap& m) {
  m.check_keys();
  Gpu gpu;
  gpu.name = *m.string("name");
  if (m.has("aliases")) {
    const YAML::Node aliases = m.get("aliases");
    if (!aliases.IsSequence()) m.fail("aliases", "expected a list of names");
    for (const YAML::Node& a : aliases) {
      if (!a.IsScalar()) m.fail("aliases", "expected a list of names");
      gpu.aliases.push_back(a.Scalar());
    }
  }
  gpu.vendor = m.string("vendor").value_or("");
  gpu.memory_gb = *m.number("memory_gb");
  gpu.mem_bw_tbps = *m.number("mem_bw_tbps");
  gpu.interconnect_gbps = m.number("interconnect_gbps").value_or(0);
  const YamlMap tflops = m.map("tflops");
  tflops.check_keys();
  for (Precision p : all_precisions())
    if (const auto v = tflops.number(to_string(p))) gpu.tflops[p] = *v;
  if (m.has("price_usd_per_gpu_hour")) {
    const YamlMap price = m.map("price_usd_per_gpu_hour");
    price.check_keys();
    gpu.price_on_demand_usd_per_gpu_hour = price.number("on_demand");
    gpu.price_spot_usd_per_gpu_hour = price.number("spot");
  }
  gpu.mfu = *m.number("mfu");
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
      throw InputError(position(file, gpus[i]), "gpus", "GPU '" + gpu.name + "' listed twice");
    table.gpus.push_back(gpu);
  }
  return table;
}

}  // namespace scaleplan
