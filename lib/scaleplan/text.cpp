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

}  // namespace scaleplan
