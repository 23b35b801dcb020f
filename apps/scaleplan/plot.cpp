// gnuplot driver for --plot (see plot.hpp).

#include "plot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/file_io.hpp"
#include "scaleplan/text.hpp"

extern char** environ;

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

/// A scratch file's bytes (not read_input: these are not inputs of the run).
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

[[noreturn]] void plot_error(const std::string& message) {
  throw InputError({}, "--plot", message);
}

/// The last non-empty line of gnuplot's messages: where it names the cause.
std::string last_line(const std::string& text) {
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line))
    if (line.find_first_not_of(" \t") != std::string::npos)
      last = line.substr(line.find_first_not_of(" \t"));
  return last;
}

/// A private folder under $TMPDIR for gnuplot's script, picture and messages, removed with it.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string templ = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/scaleplan-plot-XXXXXX";
    if (!::mkdtemp(templ.data()))
      plot_error("cannot create a temporary folder for gnuplot: " +
                 std::string(std::strerror(errno)));
    path = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// Runs `gnuplot script` with its messages in `messages` and no terminal: its stdout (where a
/// picture would go when `set output` fails) is /dev/null, so nothing lands on ours. No pipe,
/// so no SIGPIPE when gnuplot is missing or exits early.
void run_gnuplot(const std::string& script, const std::string& messages) {
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, messages.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string name = "gnuplot";
  std::string script_arg = script;
  char* argv[] = {name.data(), script_arg.data(), nullptr};
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, "gnuplot", &files, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&files);
  if (err == ENOENT)
    plot_error(
        "gnuplot is not installed (not found on PATH); --plot needs it: apt-get install "
        "gnuplot-nox");
  if (err != 0) plot_error("cannot start gnuplot: " + std::string(std::strerror(err)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string said = last_line(slurp(messages));
  if (WIFSIGNALED(status))
    plot_error("gnuplot was killed by signal " + std::to_string(WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    plot_error("gnuplot failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")" +
               (said.empty() ? "" : ": " + printable(said, 200)));
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
    plot_error("'" + printable(path) + "': the file must end in .svg or .png");
  const ScratchDir scratch;
  const std::string picture = (scratch.path / ("plot" + ext)).string();

  std::ostringstream script;
  script.precision(10);
  script << "set terminal " << terminal << "\nset output " << quoted(picture) << "\n"
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

  const std::string script_path = (scratch.path / "plot.gp").string();
  write_file_atomically(script_path, script.str());
  run_gnuplot(script_path, (scratch.path / "gnuplot.txt").string());
  const std::string bytes = slurp(picture);
  if (bytes.empty()) plot_error("gnuplot exited without writing a picture");
  // The picture reaches `path` through the one output writer, with its rules.
  write_file_atomically(path, bytes);
}

}  // namespace scaleplan::cli
