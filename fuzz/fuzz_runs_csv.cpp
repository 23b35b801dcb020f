// libFuzzer target: the runs CSV parser of `scaleplan fit`, and the row filters.

#include <cstddef>
#include <cstdint>
#include <string>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/runs_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const scaleplan::RunsTable table = scaleplan::parse_runs_csv(text, "fuzz.csv");
    scaleplan::final_checkpoints(table.rows);
  } catch (const scaleplan::InputError&) {
  }
  try {
    scaleplan::parse_row_filter(text.substr(0, 64), "--exclude");
  } catch (const scaleplan::InputError&) {
  }
  return 0;
}
