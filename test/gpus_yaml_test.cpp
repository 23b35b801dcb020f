#include "scaleplan/io/gpus_yaml.hpp"

#include <catch2/catch.hpp>

#include "scaleplan/io/configs.hpp"
#include "scaleplan/input_error.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "test_support.hpp"

#include <sstream>

using namespace scaleplan;

TEST_CASE("gpus_yaml: the built-in table has the GPUs issue 2 lists, dense peaks", "[gpus]") {
  const GpuTable t = load_gpu_table("");
  for (const char* name : {"A100-40GB", "A100-80GB", "H100-SXM", "H100-PCIe", "H200", "B200",
                           "L40S", "L4", "A10G", "RTX-4090", "MI300X", "TPU-v5e", "TPU-v5p"}) {
    INFO(name);
    CHECK(find_gpu(t, name) != nullptr);
  }
  // Dense, not sparse: H100 SXM bf16 989.4 (datasheet 1,979 with sparsity), B200 fp4 9,000.
  CHECK(find_gpu(t, "H100-SXM")->tflops.at(Precision::kBf16) == 989.4);
  CHECK(find_gpu(t, "B200")->tflops.at(Precision::kFp4) == 9000);
  CHECK(find_gpu(t, "MI300X")->tflops.at(Precision::kBf16) == 1307.4);
  CHECK(find_gpu(t, "a100")->name == "A100-80GB");  // alias, case-insensitive
}

TEST_CASE("gpus_yaml: the table agrees with shared/data/gpus_reference.csv", "[gpus]") {
  const std::string csv = test::shared_path("data/gpus_reference.csv");
  SKIP_WITHOUT_SHARED(csv);
  const GpuTable t = load_gpu_table("");
  std::istringstream in(read_input(csv));
  std::string line;
  std::getline(in, line);  // header
  int checked = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) f.push_back(cell);
    f.resize(13);
    const Gpu* gpu = find_gpu(t, f[0]);
    if (!gpu) continue;  // Gaudi3, MI325X rows are in; the reference may list more
    INFO(f[0]);
    CHECK(gpu->memory_gb == std::stod(f[2]));
    CHECK(gpu->mem_bw_tbps == std::stod(f[3]));
    const Precision order[] = {Precision::kFp32, Precision::kTf32, Precision::kBf16,
                               Precision::kFp8, Precision::kFp4};
    for (int i = 0; i < 5; ++i) {
      const std::string& cell = f[static_cast<std::size_t>(4 + i)];
      if (cell.empty()) CHECK(gpu->tflops.count(order[i]) == 0);
      else CHECK(gpu->tflops.at(order[i]) == Approx(std::stod(cell)).epsilon(0.01));
    }
    if (!f[11].empty()) CHECK(gpu->price_on_demand_usd_per_gpu_hour == std::stod(f[11]));
    if (!f[12].empty()) CHECK(gpu->price_spot_usd_per_gpu_hour == std::stod(f[12]));
    ++checked;
  }
  CHECK(checked >= 14);
}

TEST_CASE("gpus_yaml: a custom table is checked like a budget", "[gpus]") {
  const std::string ok =
      "gpus:\n  - name: X1\n    memory_gb: 10\n    mem_bw_tbps: 1\n    tflops: {bf16: 100}\n"
      "    nvlink_gbps: 50\n    scale_out_gbps: 12.5\n";
  const GpuTable t = parse_gpu_table(ok, "t.yaml");
  REQUIRE(t.gpus.size() == 1);
  CHECK(t.gpus[0].tflops.at(Precision::kBf16) == 100);
  CHECK_THROWS_WITH(parse_gpu_table(ok + "    watts: 3\n", "t.yaml"),
                    "t.yaml:8:5: gpus[0].watts: unknown key (valid keys: name, aliases, vendor, "
                    "memory_gb, memory_gib, mem_bw_tbps, tflops, interconnect_gbps, nvlink_gbps, "
                    "gpus_per_node, scale_out_gbps, matmul_fraction, matmul_overhead_us, "
                    "attention_fraction, price_usd_per_gpu_hour, source)");
  CHECK_THROWS_WITH(parse_gpu_table("gpus: []\n", "t.yaml"),
                    "t.yaml:1:7: gpus: expected a non-empty list of GPUs");
  CHECK_THROWS_WITH(
      parse_gpu_table("gpus:\n  - name: X1\n    mem_bw_tbps: 1\n    tflops: {bf16: 1}\n    nvlink_gbps: 1\n",
                      "t.yaml"),
      "t.yaml:2:5: gpus[0].memory_gb: missing");
}
