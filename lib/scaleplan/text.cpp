#include "scaleplan/text.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace scaleplan {

std::string fmt(const char* format, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

std::string human_count(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::abs(x);
  // Thresholds at 999.5 of the unit below, so 3-digit rounding never prints "1e+03k".
  if (a >= 999.5e9) return fmt("%.3gT", x / 1e12);
  if (a >= 999.5e6) return fmt("%.3gB", x / 1e9);
  if (a >= 999.5e3) return fmt("%.3gM", x / 1e6);
  if (a >= 999.5) return fmt("%.3gk", x / 1e3);
  return fmt("%.3g", x);
}

std::string human_usd(double x) {
  if (!std::isfinite(x)) return "n/a (no price)";
  return (x < 0 ? "-$" : "$") + human_count(std::abs(x));
}

std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
  const std::size_t room = width > indent + 20 ? width - indent : 20;
  std::string out, line;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > room) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line;
}

std::size_t utf8_length_at(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF)
    n = 2;
  else if (b == 0xE0)
    n = 3, lo = 0xA0;  // no overlong 3-byte forms
  else if (b == 0xED)
    n = 3, hi = 0x9F;  // no UTF-16 surrogates
  else if (b >= 0xE1 && b <= 0xEF)
    n = 3;
  else if (b == 0xF0)
    n = 4, lo = 0x90;  // no overlong 4-byte forms
  else if (b >= 0xF1 && b <= 0xF3)
    n = 4;
  else if (b == 0xF4)
    n = 4, hi = 0x8F;  // nothing above U+10FFFF
  else
    return 0;
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

namespace {

/// The code point of one well-formed UTF-8 sequence.
std::uint32_t code_point(std::string_view s) {
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[k]));
  };
  if (s.size() == 2) return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
  if (s.size() == 3) return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
  return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
         (byte(3) & 0x3F);
}

/// Characters a terminal acts on or that change how the text around them reads (Unicode C1
/// controls and the format characters of "Trojan Source", CVE-2021-42574).
bool is_invisible(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB);
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_chars) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (chars == max_chars) return out + "...";
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length_at(text, i);
    if (n > 1 && is_invisible(code_point(text.substr(i, n)))) {
      const std::uint32_t cp = code_point(text.substr(i, n));
      out += {'\\',         'u', kHex[(cp >> 12) & 15], kHex[(cp >> 8) & 15], kHex[(cp >> 4) & 15],
              kHex[cp & 15]};
    } else if (n > 1) {
      out.append(text.substr(i, n));
    } else if (n == 1 && c >= 0x20 && c != 0x7F) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\0') {
      out += "\\0";
    } else {
      out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    }
    i += n > 0 ? n : 1;
    ++chars;
  }
  return out;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length_at(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace scaleplan
