// libFuzzer target: the GPU table parser (configs/gpus.yaml, `--gpus FILE`), then every way
// `scaleplan gpus` prints a table (JSON, YAML, the text table), through the result guard.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/gpus_yaml.hpp"
#include "scaleplan/io/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  scaleplan::GpuTable table;
  try {
    table = scaleplan::parse_gpu_table(std::string(reinterpret_cast<const char*>(data), size),
                                       "fuzz.yaml");
  } catch (const scaleplan::InputError&) {
    return 0;
  }
  const scaleplan::Tree tree = scaleplan::gpus_to_json(table);
  std::ostringstream out;
  scaleplan::print_tree(tree, scaleplan::OutputFormat::kJson, out);  // finite by the bounds
  scaleplan::print_tree(tree, scaleplan::OutputFormat::kYaml, out);
  scaleplan::print_gpus_table(table, out);
  for (const scaleplan::Gpu& gpu : table.gpus)
    if (scaleplan::find_gpu(table, gpu.name) == nullptr) __builtin_trap();
  return 0;
}
