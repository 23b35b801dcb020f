#pragma once
// Runs the real scaleplan binary for table-driven CLI tests: writes files into a fresh temporary
// folder, runs the command there, and returns the exit code, stdout and stderr.

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace scaleplan::test {

struct CliResult {
  int rc = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `args` is appended to the binary's path and run by /bin/sh in a temporary folder holding
/// `files` (name -> content); standard input is the file `stdin_file` there, else empty.
inline CliResult run_scaleplan(const std::string& args,
                               const std::map<std::string, std::string>& files = {},
                               const std::string& stdin_file = "/dev/null") {
  namespace fs = std::filesystem;
  static int counter = 0;
  const fs::path dir =
      fs::temp_directory_path() / ("scaleplan_cli_" + std::to_string(::getpid()) + "_" +
                                   std::to_string(counter++));
  fs::create_directories(dir);
  for (const auto& [name, text] : files) std::ofstream(dir / name) << text;
  const std::string cmd = "cd '" + dir.string() + "' && { '" SCALEPLAN_BINARY "' " + args +
                          "; } >out.txt 2>err.txt <'" + stdin_file + "'";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out.txt");
  r.err = slurp(dir / "err.txt");
  fs::remove_all(dir);
  return r;
}

}  // namespace scaleplan::test
