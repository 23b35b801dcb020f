// gnuplot driver for --plot (see plot.hpp).

#include "plot.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "scaleplan/input_error.hpp"

namespace scaleplan::cli {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

void inline_data(std::ostringstream& script, const Series& s) {
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    script << s.x[i] << " " << s.y[i];
    if (!s.labels.empty()) script << " " << quoted(s.labels[i]);
    script << "\n";
  }
  script << "e\n";
}

}  // namespace

void write_plot(const PlotSpec& spec, const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  std::string terminal;
  if (ext == ".svg")
    terminal = "svg size " + std::to_string(kPlotWidth) + "," + std::to_string(kPlotHeight) +
               " dynamic background rgb 'white'";
  else if (ext == ".png")
    terminal = "pngcairo size " + std::to_string(kPlotWidth) + "," + std::to_string(kPlotHeight);
  else
    throw InputError({}, "--plot", "'" + path + "': the file must end in .svg or .png");
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + ext;

  std::ostringstream script;
  script.precision(10);
  script << "set terminal " << terminal << "\nset output " << quoted(tmp) << "\n"
         << "set title " << quoted(spec.title) << "\nset xlabel " << quoted(spec.x_label)
         << "\nset ylabel " << quoted(spec.y_label) << "\nset grid\nset key top right\n";
  if (spec.log_x) script << "set logscale x\nset format x '10^{%L}'\n";
  script << "plot ";
  bool first = true;
  for (const Series& s : spec.series) {
    script << (first ? "" : ", ") << "'-' using 1:2 with "
           << (s.points_only ? "points pt 7" : "linespoints pt 7 ps 0.6") << " title "
           << quoted(s.title);
    if (!s.labels.empty())
      script << ", '-' using 1:2:3 with labels offset 0,1 font ',8' notitle";
    first = false;
  }
  for (const Series& m : spec.markers) {
    script << (first ? "" : ", ") << "'-' using 1:2 with points pt 9 ps 2.2 title "
           << quoted(m.title);
    first = false;
  }
  script << "\n";
  for (const Series& s : spec.series) {
    inline_data(script, s);
    if (!s.labels.empty()) inline_data(script, s);
  }
  for (const Series& m : spec.markers) inline_data(script, m);
  script << "unset output\n";

  FILE* gnuplot = ::popen("gnuplot 1>&2", "w");
  if (!gnuplot) throw InputError({}, "--plot", "cannot start gnuplot");
  const std::string text = script.str();
  std::fwrite(text.data(), 1, text.size(), gnuplot);
  const int status = ::pclose(gnuplot);
  std::error_code ec;
  if (status != 0 || !std::filesystem::exists(tmp, ec)) {
    std::filesystem::remove(tmp, ec);
    throw InputError({}, "--plot",
                     "gnuplot failed (exit status " + std::to_string(status) +
                         "); --plot needs gnuplot: apt-get install gnuplot-nox");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError({path, 0, 0}, "", "cannot write: " + ec.message());
}

}  // namespace scaleplan::cli
