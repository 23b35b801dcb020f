#pragma once
/// Numbers written for people, shared by every layer's messages (warnings, errors, findings) and
/// by the reports.

#include <cstddef>
#include <string>

namespace scaleplan {

/// printf-style formatting of one number: fmt("%.4f", x).
std::string fmt(const char* format, double x);

/// Human-readable numbers: 3.2e10 -> "32.2B", 1.23e6 USD -> "$1.23M", 3.5 -> "3.5".
std::string human_count(double x);
std::string human_usd(double x);

/// `text` wrapped at `width` columns for a table cell that starts at column `indent`: words
/// move to new lines indented by `indent` spaces; a word longer than the room stays whole.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width);

}  // namespace scaleplan
