// libFuzzer target: the run YAML parser of `scaleplan check`.

#include <cstddef>
#include <cstdint>
#include <string>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/run_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    scaleplan::parse_run(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const scaleplan::InputError&) {
  }
  return 0;
}
