#include "scaleplan/io/gpus_yaml.hpp"

#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

Gpu read_gpu(const YamlMap& m) {
  m.check_keys({"name", "aliases", "vendor", "memory_gb", "mem_bw_tbps", "tflops",
                "interconnect_gbps", "price_usd_per_gpu_hour", "mfu", "source"});
  Gpu gpu;
  const auto name = m.string("name");
  if (!name) throw InputError(m.pos(), m.field("name"), "missing");
  gpu.name = *name;
  if (m.has("aliases")) {
    const YAML::Node aliases = m.get("aliases");
    if (!aliases.IsSequence()) m.fail("aliases", "expected a list of names");
    for (const YAML::Node& a : aliases) {
      if (!a.IsScalar()) m.fail("aliases", "expected a list of names");
      gpu.aliases.push_back(a.Scalar());
    }
  }
  gpu.vendor = m.string("vendor").value_or("");
  const auto required = [&](const std::string& key, double max) {
    const auto v = m.positive(key, max);
    if (!v) throw InputError(m.pos(), m.field(key), "missing");
    return *v;
  };
  gpu.memory_gb = required("memory_gb", kMaxMemoryGb);
  gpu.mem_bw_tbps = required("mem_bw_tbps", kMaxMemBwTbps);
  gpu.interconnect_gbps = m.positive("interconnect_gbps", kMaxInterconnectGbps).value_or(0);
  if (!m.has("tflops")) throw InputError(m.pos(), m.field("tflops"), "missing");
  const YamlMap tflops = m.map("tflops");
  tflops.check_keys({"fp32", "tf32", "bf16", "fp8", "fp4"});
  for (Precision p : all_precisions())
    if (const auto v = tflops.positive(to_string(p), kMaxTflops)) gpu.tflops[p] = *v;
  if (m.has("price_usd_per_gpu_hour")) {
    const YamlMap price = m.map("price_usd_per_gpu_hour");
    price.check_keys({"on_demand", "spot"});
    gpu.price_on_demand_usd_per_gpu_hour = price.positive("on_demand", kMaxPriceUsdPerGpuHour);
    gpu.price_spot_usd_per_gpu_hour = price.positive("spot", kMaxPriceUsdPerGpuHour);
  }
  gpu.mfu = required("mfu", 1);
  gpu.source = m.string("source").value_or("");
  return gpu;
}

}  // namespace

GpuTable parse_gpu_table(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file);
  root.check_keys({"source", "gpus"});
  GpuTable table;
  table.source = root.string("source").value_or(file);
  const YAML::Node gpus = root.get("gpus");
  if (!gpus.IsSequence() || gpus.size() == 0)
    throw InputError(root.pos("gpus"), "gpus", "expected a non-empty list of GPUs");
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    if (!gpus[i].IsMap())
      throw InputError(position(file, gpus[i]), "gpus", "expected a mapping for each GPU");
    const Gpu gpu = read_gpu({gpus[i], file, "gpus[" + std::to_string(i) + "]"});
    if (find_gpu(table, gpu.name))
      throw InputError(position(file, gpus[i]), "gpus", "GPU " + quote(gpu.name) + " listed twice");
    table.gpus.push_back(gpu);
  }
  return table;
}

}  // namespace scaleplan
