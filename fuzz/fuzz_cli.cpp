// libFuzzer target: the command-line parser main uses (apps/scaleplan/app.cpp), options and
// validators included. The input is the argument list, one argument per line. A parse must end
// as a CLI::ParseError or with an action; `predict` and `isoflop` (which touch no file unless
// given one) then run, and may end only as InputError or InfeasibleError. Anything else -- a
// crash, another exception, a sanitizer report -- is a finding.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "scaleplan/input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args = {"scaleplan"};
  std::string arg;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == '\n') {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += static_cast<char>(data[i]);
    }
  }
  if (!arg.empty()) args.push_back(arg);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  scaleplan::cli::Invocation invocation;
  const auto app = scaleplan::cli::make_app(&invocation);
  try {
    app->parse(static_cast<int>(args.size()), argv.data());
  } catch (const CLI::ParseError&) {
    return 0;
  }
  if (!invocation.action) __builtin_trap();  // a parse that succeeds has chosen a subcommand
  const bool pure =
      (app->got_subcommand("predict") && app->get_subcommand("predict")->count("--law") == 0) ||
      (app->got_subcommand("isoflop") && app->get_subcommand("isoflop")->count("--law") == 0 &&
       app->get_subcommand("isoflop")->count("--plot") == 0);
  if (!pure || !invocation.options.gpus_file.empty()) return 0;
  try {
    std::ostringstream out;
    invocation.action(invocation.options, out);
  } catch (const scaleplan::InputError&) {
  } catch (const scaleplan::InfeasibleError&) {
  }
  return 0;
}
