// `scaleplan schema budget|run|law|gpus`: the JSON Schema (draft 2020-12) of a file kind,
// generated from the key tables the parsers read with.

#include <memory>

#include "commands.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/gpus_yaml.hpp"
#include "scaleplan/io/key_table.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/run_yaml.hpp"

namespace scaleplan::cli {

Tree schema_of(const std::string& kind) {
  if (kind == "budget") return json_schema(budget_keys(), "scaleplan budget file");
  if (kind == "run") return json_schema(run_file_keys(), "scaleplan run file (scaleplan check)");
  if (kind == "law") return json_schema(law_file_keys(), "scaleplan scaling-law file");
  return json_schema(gpu_table_keys(), "scaleplan GPU table (--gpus)");
}

namespace {

int run_schema(const std::string& kind, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  if (format == OutputFormat::kYaml) print_tree(schema_of(kind), format, out);
  else out << schema_of(kind).dump(2) << "\n";
  return 0;
}

}  // namespace

void add_schema_command(CLI::App& app, Action* action) {
  auto kind = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "schema", "Print the JSON Schema of a file kind (for editors and validators)");
  sub->add_option("kind", *kind, "budget, run, law or gpus")
      ->required()
      ->check(CLI::IsMember({"budget", "run", "law", "gpus"}));
  sub->callback([kind, action] {
    *action = [kind](const GlobalOptions& g, std::ostream& out) {
      return run_schema(*kind, g, out);
    };
  });
}

}  // namespace scaleplan::cli
