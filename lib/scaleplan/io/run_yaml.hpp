#pragma once
/// A proposed training run for `scaleplan check` (docs/check.md): the `run:` section plus the
/// budget file's `model:`, `hardware:` and `data:` sections for the law, prices and data.

#include <string>

#include "scaleplan/planner/proposed_run.hpp"

namespace scaleplan {

/// Parses a run file; throws InputError at the first bad field.
ProposedRun parse_run(const std::string& text, const std::string& file);

}  // namespace scaleplan
