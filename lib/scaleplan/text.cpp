#include "scaleplan/text.hpp"

#include <cmath>
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

}  // namespace scaleplan
