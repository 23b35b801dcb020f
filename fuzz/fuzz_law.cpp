// libFuzzer target: the law file parser (configs/laws/*.yaml, `fit -o`, `--law FILE`), then what
// `predict` does with a law: the loss and its interval at a few sizes, through the result guard.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/report.hpp"
#include "scaleplan/planner/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  scaleplan::Law law;
  try {
    law = scaleplan::parse_law(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const scaleplan::InputError&) {
    return 0;
  }
  for (double n : {1e7, 7e10, 1e14}) {
    const double d = 20 * n;
    scaleplan::Tree tree = {{"law", {{"name", law.name}, {"source", law.source}}},
                            {"loss", scaleplan::loss(law, n, d)}};
    if (const auto interval =
            scaleplan::loss_interval(law, n, d, scaleplan::kLossIntervalCoverage)) {
      tree["loss_low"] = interval->low;
      tree["loss_high"] = interval->high;
    }
    std::ostringstream out;
    try {
      scaleplan::print_tree(tree, scaleplan::OutputFormat::kJson, out);
      scaleplan::print_tree(tree, scaleplan::OutputFormat::kYaml, out);
    } catch (const scaleplan::InfeasibleError&) {  // a loss beyond a double: exit 3
    }
  }
  return 0;
}
