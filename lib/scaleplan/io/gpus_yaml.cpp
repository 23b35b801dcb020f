#include "scaleplan/io/gpus_yaml.hpp"

#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

Gpu read_gpu(const YamlMap& m) {
  m.check_keys({"name", "aliases", "vendor", "memory_gb", "memory_gib", "mem_bw_tbps", "tflops",
                "interconnect_gbps", "nvlink_gbps", "gpus_per_node", "scale_out_gbps",
                "matmul_fraction", "matmul_overhead_us", "attention_fraction",
                "price_usd_per_gpu_hour", "source"});
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
  const auto required = [&](const std::string& key) {
    const auto v = m.positive(key);
    if (!v) throw InputError(m.pos(), m.field(key), "missing");
    return *v;
  };
  gpu.memory_gb = required("memory_gb");
  gpu.mem_bw_tbps = required("mem_bw_tbps");
  // Without a measured capacity, the vendor's GB (1e9 bytes) in GiB.
  gpu.memory_gib = m.positive("memory_gib").value_or(gpu.memory_gb * 1e9 / (1u << 30));
  gpu.interconnect_gbps = m.positive("interconnect_gbps").value_or(0);
  gpu.nvlink_gbps = required("nvlink_gbps");
  gpu.gpus_per_node = m.positive_int("gpus_per_node").value_or(8);
  gpu.scale_out_gbps = required("scale_out_gbps");
  if (!m.has("tflops")) throw InputError(m.pos(), m.field("tflops"), "missing");
  const YamlMap tflops = m.map("tflops");
  tflops.check_keys(precision_names());
  for (Precision p : all_precisions())
    if (const auto v = tflops.positive(to_string(p))) gpu.tflops[p] = *v;
  // Matmul curves: the GPU's own where measured, else the one measured on an H100.
  for (Precision p : all_precisions()) gpu.matmul[p] = default_matmul_curve(p);
  const auto per_precision = [&](const std::string& key, auto set) {
    if (!m.has(key)) return;
    const YamlMap values = m.map(key);
    values.check_keys(precision_names());
    for (Precision p : all_precisions())
      if (const auto v = values.positive(to_string(p))) set(gpu.matmul[p], *v);
  };
  per_precision("matmul_fraction", [&](MatmulCurve& c, double v) {
    if (v > 1) m.fail("matmul_fraction", "a fraction of the peak must be <= 1");
    c.fraction = v;
  });
  per_precision("matmul_overhead_us", [](MatmulCurve& c, double v) { c.overhead_s = v * 1e-6; });
  gpu.attention_fraction = m.positive("attention_fraction").value_or(kDefaultAttentionFraction);
  if (gpu.attention_fraction > 1) m.fail("attention_fraction", "must be <= 1");
  if (m.has("price_usd_per_gpu_hour")) {
    const YamlMap price = m.map("price_usd_per_gpu_hour");
    price.check_keys({"on_demand", "spot"});
    gpu.price_on_demand_usd_per_gpu_hour = price.positive("on_demand");
    gpu.price_spot_usd_per_gpu_hour = price.positive("spot");
  }
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
      throw InputError(position(file, gpus[i]), "gpus", "GPU '" + gpu.name + "' listed twice");
    table.gpus.push_back(gpu);
  }
  return table;
}

}  // namespace scaleplan
