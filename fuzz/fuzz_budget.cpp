// libFuzzer target: the budget YAML parser. Bad input must end as an InputError, never a crash,
// another exception, a leak or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string>

#include "scaleplan/io/budget_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    scaleplan::parse_budget(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const scaleplan::InputError&) {
  }
  return 0;
}
