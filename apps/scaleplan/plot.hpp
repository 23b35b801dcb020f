#pragma once
// Plots through gnuplot (an optional runtime dependency: Debian's gnuplot-nox). The data are
// inlined in the script; the picture is written to a temporary file and renamed into place.

#include <string>
#include <vector>

namespace scaleplan::cli {

struct Series {
  std::string title;
  std::vector<double> x, y;
  std::vector<std::string> labels;  ///< optional point labels
  bool points_only = false;
};

struct PlotSpec {
  std::string title, x_label, y_label;
  bool log_x = true;
  std::vector<Series> series;
  std::vector<Series> markers;  ///< drawn as large points (e.g. the optimum)
};

/// Plot width and height in pixels (SVG and PNG alike).
inline constexpr int kPlotWidth = 900, kPlotHeight = 560;

/// Writes `path` (.svg or .png); throws InputError when the extension is unknown or gnuplot is
/// missing or fails.
void write_plot(const PlotSpec& spec, const std::string& path);

}  // namespace scaleplan::cli
