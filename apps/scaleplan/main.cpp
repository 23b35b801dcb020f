// scaleplan: the smallest loss compute can buy. Parses options, runs one subcommand, prints its
// result to stdout, everything else to stderr, and returns an ExitCode.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <exception>
#include <iostream>
#include <sstream>

#include "app.hpp"
#include "scaleplan/input_error.hpp"
#include "scaleplan/io/file_io.hpp"
#include "scaleplan/io/yaml_input.hpp"  // quote, did_you_mean, join_choices
#include "scaleplan/text.hpp"

namespace {

using scaleplan::ExitCode;

/// The longest message line printed: enough for any of ours, short of a 200 KB argument.
constexpr std::size_t kMaxMessageChars = 400;

/// Every message is one line on stderr, "scaleplan: ...", with input echoed printable.
int fail(ExitCode code, const std::string& message) {
  const char* kind = code == ExitCode::kInfeasible      ? "infeasible: "
                     : code == ExitCode::kInternalError ? "internal error: "
                                                        : "";
  std::cerr << "scaleplan: " << kind << scaleplan::printable(message, kMaxMessageChars) << "\n";
  return static_cast<int>(code);
}

/// CLI11's message, except where it misleads: `scaleplan frobnicate` is an unknown command, not
/// a missing one.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e, int argc,
                                char** argv) {
  if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty()) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    return "unknown command " + scaleplan::quote(argv[1]) +
           scaleplan::did_you_mean(argv[1], names) + " (choose " + scaleplan::join_choices(names) +
           ")";
  }
  return std::string(e.what()) + " (see --help)";
}

int run(int argc, char** argv) {
  scaleplan::cli::Invocation invocation;
  const auto app = scaleplan::cli::make_app(&invocation);
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0)  // CLI11's codes (104, 106, 109...) are all bad input to us
      return fail(ExitCode::kBadInput, parse_error_message(*app, e, argc, argv));
    app->exit(e);  // --help, --version
    if (!(std::cout << std::flush))
      return fail(ExitCode::kBadInput, "<stdout>: cannot write the help");
    return 0;
  }

  const scaleplan::cli::GlobalOptions& options = invocation.options;
  auto logger = spdlog::stderr_color_mt("scaleplan");
  logger->set_pattern("scaleplan: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(options.quiet ? spdlog::level::err
                                  : spdlog::level::from_str(options.log_level));

  // Results are written only once complete, so a failure never leaves partial output.
  std::ostringstream out;
  try {
    const int code = invocation.action(options, out);
    scaleplan::write_stdout(out.str());
    return code;
  } catch (const scaleplan::InputError& e) {
    return fail(ExitCode::kBadInput, e.what());
  } catch (const scaleplan::InfeasibleError& e) {
    return fail(ExitCode::kInfeasible, e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  scaleplan::reserve_standard_streams();
  // A reader that went away and a file past `ulimit -f` are write errors that the writer
  // reports (and cleans up after), not a silent death by SIGPIPE (141) or SIGXFSZ (153).
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    // A bug, not a user mistake: one line and EX_SOFTWARE instead of an abort and a core dump.
    return fail(ExitCode::kInternalError, e.what());
  }
}
