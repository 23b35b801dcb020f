// The command-line parser (see app.hpp).

#include "app.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "scaleplan/text.hpp"
#include "scaleplan/version.hpp"

namespace scaleplan::cli {
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

Exit codes: 0 ok, 1 check failed, 2 bad input, 3 no run meets the constraints,
70 internal error.
Docs: README.md, docs/budget.md, docs/output.md, docs/models.md.)";

}  // namespace

CLI::Validator finite_number(double lo, double hi, bool lo_excluded) {
  const bool unbounded = hi == std::numeric_limits<double>::max();
  const std::string rule = unbounded ? (lo_excluded ? "> " : ">= ") + fmt("%g", lo)
                                     : "in " + std::string(lo_excluded ? "(" : "[") +
                                           fmt("%g", lo) + ", " + fmt("%g", hi) + "]";
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const std::string got = ", got '" + printable(text) + "'";
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) return "expected a number" + got;
        if (!std::isfinite(v) || (errno == ERANGE && std::abs(v) > 1))
          return "must be a finite number " + rule + got;
        if (v < lo || (lo_excluded && v == lo) || v > hi) return "must be a number " + rule + got;
        return "";
      },
      "NUMBER " + rule, "finite number");
}

CLI::Validator positive_number() {
  return finite_number(0, std::numeric_limits<double>::max(), true);
}

std::unique_ptr<CLI::App> make_app(Invocation* invocation) {
  auto app = std::make_unique<CLI::App>(
      "scaleplan " SCALEPLAN_VERSION
      ": plan the training run with the lowest predicted loss for a compute budget.");
  app->footer(kExamples);
  app->set_version_flag("--version",
                        "scaleplan " SCALEPLAN_VERSION " (commit " SCALEPLAN_COMMIT ")");
  app->require_subcommand(1);
  app->fallthrough();  // global options may also follow the subcommand: `plan b.yaml --format json`
  GlobalOptions& options = invocation->options;
  app->add_option("--format", options.format,
                  "Output: table, json, yaml (csv, github where offered)")
      ->check(CLI::IsMember({"table", "json", "yaml", "csv", "github"}));
  app->add_option("--gpus", options.gpus_file, "GPU table YAML replacing the built-in one");
  app->add_option("--log-level", options.log_level, "Log level on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app->add_flag("-q,--quiet", options.quiet, "Print nothing but results (logs off)");

  Action* action = &invocation->action;
  add_init_command(*app, action);
  add_examples_command(*app, action);
  add_plan_command(*app, action);
  add_whatif_command(*app, action);
  add_compare_command(*app, action);
  add_predict_command(*app, action);
  add_gpus_command(*app, action);
  add_laws_command(*app, action);
  add_fit_command(*app, action);
  add_check_command(*app, action);
  add_frontier_command(*app, action);
  add_isoflop_command(*app, action);
  add_schema_command(*app, action);

  // No text option or argument may be empty: `-o "$LAW"` with LAW unset would otherwise mean
  // "no output" and `plan ""` a file named "".
  const CLI::Validator non_empty(
      [](std::string& text) { return text.empty() ? std::string("must not be empty") : ""; }, "",
      "non-empty");
  std::vector<CLI::App*> apps = app->get_subcommands({});
  apps.push_back(app.get());
  for (CLI::App* a : apps)
    for (CLI::Option* option : a->get_options({}))
      if (option->get_type_name().rfind("TEXT", 0) == 0) option->check(non_empty);
  return app;
}

}  // namespace scaleplan::cli
