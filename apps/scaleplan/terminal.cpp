#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "scaleplan/io/report.hpp"

namespace scaleplan::cli {

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

int table_width() {
  if (!stdout_is_terminal()) return kTableWidth;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return kTableWidth;
  return std::max(60, static_cast<int>(size.ws_col));
}

}  // namespace scaleplan::cli
