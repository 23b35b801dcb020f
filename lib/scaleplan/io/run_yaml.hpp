#pragma once
/// A proposed training run for `scaleplan check` (docs/check.md): the `run:` section plus the
/// budget file's `model:`, `hardware:` and `data:` sections for the law, prices and data.

#include <string>

#include "scaleplan/io/key_table.hpp"
#include "scaleplan/planner/proposed_run.hpp"

namespace scaleplan {

/// The keys of a run file (key_table.hpp): `scaleplan schema run`.
const KeyTable& run_file_keys();

/// Parses a run file; throws InputError at the first bad field.
ProposedRun parse_run(const std::string& text, const std::string& file);

}  // namespace scaleplan
