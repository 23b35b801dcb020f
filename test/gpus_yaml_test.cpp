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
                    "attention_fraction, price_usd_per_gpu_hour, price_date, source)");
  CHECK_THROWS_WITH(parse_gpu_table("gpus: []\n", "t.yaml"),
                    "t.yaml:1:7: gpus: expected a non-empty list of GPUs");
  CHECK_THROWS_WITH(
      parse_gpu_table("gpus:\n  - name: X1\n    mem_bw_tbps: 1\n    tflops: {bf16: 1}\n    nvlink_gbps: 1\n",
                      "t.yaml"),
      "t.yaml:2:5: gpus[0].memory_gb: missing");
}

TEST_CASE("gpus_yaml: H800, A800 and TPU v4 rows; every price but the recalled TPU ones is dated",
          "[gpus]") {
  const GpuTable t = load_gpu_table("");
  const Gpu& h800 = *find_gpu(t, "H800");
  // H100 compute with NVLink cut to 400 GB/s bidirectional (DeepSeek-V3 report).
  CHECK(h800.tflops.at(Precision::kBf16) == find_gpu(t, "H100-SXM")->tflops.at(Precision::kBf16));
  CHECK(h800.nvlink_gbps == 200);
  CHECK(h800.price_on_demand_usd_per_gpu_hour == 2.00);  // the report's assumed rental rate
  CHECK(find_gpu(t, "A800")->tflops.at(Precision::kBf16) == 312);
  CHECK(find_gpu(t, "TPU-v4")->tflops.at(Precision::kBf16) == 275);
  CHECK(find_gpu(t, "TPU-v4")->memory_gib == 32);
  for (const Gpu& g : t.gpus) {
    INFO(g.name);
    const bool priced = g.price_on_demand_usd_per_gpu_hour || g.price_spot_usd_per_gpu_hour;
    const bool recalled = g.name == "TPU-v5e" || g.name == "TPU-v5p";
    CHECK(!g.price_date.empty() == (priced && !recalled));
  }
}

TEST_CASE("gpus_yaml: price_date is YYYY-MM or YYYY-MM-DD and dates a price", "[gpus]") {
  const std::string head =
      "gpus:\n  - name: X\n    memory_gb: 80\n    mem_bw_tbps: 3\n    tflops: {bf16: 900}\n"
      "    nvlink_gbps: 400\n    scale_out_gbps: 50\n";
  const std::string price = "    price_usd_per_gpu_hour: {on_demand: 2}\n";
  CHECK(parse_gpu_table(head + price + "    price_date: 2026-05\n", "t.yaml").gpus[0].price_date ==
        "2026-05");
  CHECK(parse_gpu_table(head + price + "    price_date: \"2026-05-18\"\n", "t.yaml")
            .gpus[0]
            .price_date == "2026-05-18");
  CHECK_THROWS_WITH(parse_gpu_table(head + price + "    price_date: 2026-13\n", "t.yaml"),
                    "t.yaml:9:17: gpus[0].price_date: expected YYYY-MM or YYYY-MM-DD, got "
                    "'2026-13'");
  CHECK_THROWS_WITH(parse_gpu_table(head + price + "    price_date: May 2026\n", "t.yaml"),
                    "t.yaml:9:17: gpus[0].price_date: expected YYYY-MM or YYYY-MM-DD, got "
                    "'May 2026'");
  // Days that no month has: each is refused with the whole message.
  for (const char* bad : {"2026-02-31", "2026-04-31", "2025-02-29", "1900-02-29", "2026-06-31"})
    CHECK_THROWS_WITH(
        parse_gpu_table(head + price + "    price_date: \"" + bad + "\"\n", "t.yaml"),
        std::string("t.yaml:9:17: gpus[0].price_date: expected YYYY-MM or YYYY-MM-DD, got '") +
            bad + "'");
  for (const char* good : {"2024-02-29", "2000-02-29", "2026-01-31", "2026-12-31"})
    CHECK(parse_gpu_table(head + price + "    price_date: \"" + good + "\"\n", "t.yaml")
              .gpus[0]
              .price_date == good);
  CHECK_THROWS_WITH(parse_gpu_table(head + "    price_date: 2026-05\n", "t.yaml"),
                    "t.yaml:8:17: gpus[0].price_date: dates a price, and price_usd_per_gpu_hour "
                    "is not given");
}

TEST_CASE(
    "gpus_yaml: a GPU name or alias with a control character, comma, quote or edge space "
    "is refused",
    "[gpus]") {
  const std::string body =
      "    memory_gb: 80\n    mem_bw_tbps: 3\n    tflops: {bf16: 900}\n"
      "    nvlink_gbps: 400\n    scale_out_gbps: 50\n";
  const std::string rule =
      ": a name is text without control characters, commas, double quotes or spaces at its "
      "ends, got ";
  CHECK_THROWS_WITH(parse_gpu_table("gpus:\n  - name: \"B2\\n00\"\n" + body, "t.yaml"),
                    "t.yaml:2:11: gpus[0].name" + rule + "'B2\\n00'");
  CHECK_THROWS_WITH(parse_gpu_table("gpus:\n  - name: \" X\"\n" + body, "t.yaml"),
                    "t.yaml:2:11: gpus[0].name" + rule + "' X'");
  CHECK_THROWS_WITH(parse_gpu_table("gpus:\n  - name: \"B2,00\"\n" + body, "t.yaml"),
                    "t.yaml:2:11: gpus[0].name" + rule + "'B2,00'");
  CHECK_THROWS_WITH(
      parse_gpu_table("gpus:\n  - name: X\n    aliases: [Y, \"\\tZ\"]\n" + body, "t.yaml"),
      "t.yaml:3:14: gpus[0].aliases" + rule + "'\\tZ'");
  CHECK(parse_gpu_table("gpus:\n  - name: MI300X (1.2)\n" + body, "t.yaml").gpus[0].name ==
        "MI300X (1.2)");
}
