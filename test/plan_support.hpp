#pragma once
// Fixtures of the planner tests: the shipped GPU table, law presets, budgets from YAML text.

#include <string>

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/planner/plan.hpp"

namespace scaleplan::test {

/// configs/gpus.yaml as shipped (embedded in the binary), read once.
inline const GpuTable& table() {
  static const GpuTable t = load_gpu_table("");
  return t;
}

inline Law preset(const std::string& name) { return load_law(name, "", {}, "law"); }

inline Budget budget_yaml(const std::string& text, const std::string& file = "test.yaml") {
  return parse_budget(text, file);
}

/// The plan for `b` on its own GPU under the law preset `law`.
inline Plan plan_for(const Budget& b, const std::string& law = "hoffmann2022") {
  return make_plan(b, *find_gpu(table(), b.gpu), preset(law));
}

}  // namespace scaleplan::test
