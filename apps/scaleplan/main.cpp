// scaleplan: the smallest loss compute can buy. Parses options, runs one subcommand, prints its
// result to stdout, everything else to stderr, and returns an ExitCode.

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "scaleplan/input_error.hpp"
#include "scaleplan/version.hpp"

namespace {

constexpr const char* kExamples = R"(
Examples (each runs from any directory: example:NAME is a built-in file):
  scaleplan init --gpu A100-80GB --usd 5e4 -o budget.yaml
  scaleplan plan budget.yaml
  scaleplan examples
  scaleplan plan example:h100_2m_usd
  scaleplan plan example:h100_2m_usd --format json | jq .recommendation
  scaleplan examples spot_small | scaleplan plan - --format yaml
  scaleplan check example:h100_run --budget example:h100_2m_usd
  scaleplan frontier example:h100_2m_usd --usd 1e5:1e7 --points 5
  scaleplan predict --law hoffmann2022 --params 7e10 --tokens 1.4e12
  scaleplan gpus --format json
  scaleplan laws
  scaleplan isoflop --flops 1e18,1e19,1e20 --format csv | cut -d, -f1-4 > runs.csv
  scaleplan fit runs.csv -o mylaw.yaml --holdout 'params>=1e9'
  scaleplan plan example:h100_2m_usd --law mylaw.yaml
  scaleplan schema budget

Exit codes: 0 ok, 1 check failed, 2 bad input, 3 no run meets the constraints.
Docs: README.md, docs/budget.md, docs/output.md, docs/models.md.)";

int fail(scaleplan::ExitCode code, const std::string& message) {
  std::cerr << "scaleplan: " << (code == scaleplan::ExitCode::kInfeasible ? "infeasible: " : "")
            << message << "\n";
  return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
  using scaleplan::ExitCode;
  namespace cli = scaleplan::cli;
  CLI::App app{"scaleplan " SCALEPLAN_VERSION
               ": plan the training run with the lowest predicted loss for a compute budget."};
  app.footer(kExamples);
  app.set_version_flag("--version", "scaleplan " SCALEPLAN_VERSION " (commit " SCALEPLAN_COMMIT ")");
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand: `plan b.yaml --format json`
  cli::GlobalOptions options;
  app.add_option("--format", options.format, "Output: table, json, yaml (csv, github where offered)")
      ->check(CLI::IsMember({"table", "json", "yaml", "csv", "github"}));
  app.add_option("--gpus", options.gpus_file, "GPU table YAML replacing the built-in one");
  app.add_option("--log-level", options.log_level, "Log level on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("-q,--quiet", options.quiet, "Print nothing but results (logs off)");

  cli::Action action;
  cli::add_init_command(app, &action);
  cli::add_examples_command(app, &action);
  cli::add_plan_command(app, &action);
  cli::add_predict_command(app, &action);
  cli::add_gpus_command(app, &action);
  cli::add_laws_command(app, &action);
  cli::add_fit_command(app, &action);
  cli::add_check_command(app, &action);
  cli::add_frontier_command(app, &action);
  cli::add_isoflop_command(app, &action);
  cli::add_schema_command(app, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kBadInput);
  }

  auto logger = spdlog::stderr_color_mt("scaleplan");
  logger->set_pattern("scaleplan: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(options.quiet ? spdlog::level::err
                                  : spdlog::level::from_str(options.log_level));

  // Results are written only once complete, so a failure never leaves partial output.
  std::ostringstream out;
  try {
    const int code = action(options, out);
    std::cout << out.str() << std::flush;
    return code;
  } catch (const scaleplan::InputError& e) {
    return fail(ExitCode::kBadInput, e.what());
  } catch (const scaleplan::InfeasibleError& e) {
    return fail(ExitCode::kInfeasible, e.what());
  }
}
