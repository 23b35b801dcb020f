#pragma once
/// Text written for people, shared by every layer's messages (warnings, errors, findings) and
/// by the reports: numbers, and values echoed from the input.

#include <cstddef>
#include <string>
#include <string_view>

namespace scaleplan {

/// printf-style formatting of one number: fmt("%.4f", x).
std::string fmt(const char* format, double x);

/// Human-readable numbers: 3.2e10 -> "32.2B", 1.23e6 USD -> "$1.23M", 3.5 -> "3.5".
std::string human_count(double x);
std::string human_usd(double x);

/// `text` wrapped at `width` columns for a table cell that starts at column `indent`: words
/// move to new lines indented by `indent` spaces; a word longer than the room stays whole.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width);

/// The longest input value a message echoes, in characters.
inline constexpr std::size_t kMaxEchoedChars = 64;

/// `text` made safe to echo on one line of a terminal or log: UTF-8 passes; control characters
/// show as \n, \r, \t, \0 or \xNN, bytes that are not UTF-8 as \xNN, and the invisible
/// characters that reorder or hide text (C1 controls, bidirectional overrides such as U+202E,
/// zero-width spaces, the BOM) as \uNNNN; beyond `max_chars`
/// characters it is cut and ends in "...". Every value a message quotes from the input goes
/// through this, so no message carries raw bytes, NULs, bare CRs or a 200 KB value.
std::string printable(std::string_view text, std::size_t max_chars = kMaxEchoedChars);

/// Length of the well-formed UTF-8 sequence starting at text[i] (1 to 4), or 0 when the bytes
/// there are not UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF).
std::size_t utf8_length_at(std::string_view text, std::size_t i);

/// `text` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD, for JSON and
/// YAML output (both are UTF-8 only).
std::string valid_utf8(std::string_view text);

/// One CSV field (RFC 4180 Sec. 2): quoted, with quotes doubled, when it holds a comma, a quote
/// or a line break; otherwise as it is.
std::string csv_field(std::string_view text);

}  // namespace scaleplan
