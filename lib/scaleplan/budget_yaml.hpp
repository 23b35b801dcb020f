#pragma once
/// The budget file (docs/budget.md) parsed into a Budget, every field checked.

#include <string>

#include "scaleplan/budget.hpp"

namespace scaleplan {

/// Parses budget YAML `text` read from `file`; throws InputError at the first bad field.
Budget parse_budget(const std::string& text, const std::string& file);

}  // namespace scaleplan
