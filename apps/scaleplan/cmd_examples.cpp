// `scaleplan examples [NAME]`: the compiled-in example budgets and run files, or one of them.

#include <iomanip>
#include <memory>

#include "commands.hpp"
#include "scaleplan/io/configs.hpp"

namespace scaleplan::cli {
namespace {

int run_examples(const std::string& name, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  if (!name.empty()) {
    out << read_file_or_example(std::string(kExamplePrefix) + name).text;
    return 0;
  }
  const std::vector<Example> list = examples();
  if (format == OutputFormat::kTable) {
    std::size_t width = 0;
    for (const Example& e : list) width = std::max(width, e.name.size());
    for (const Example& e : list)
      out << "example:" << std::left << std::setw(static_cast<int>(width) + 2) << e.name
          << e.description << "\n";
    return 0;
  }
  Tree tree = Tree::array();
  for (const Example& e : list)
    tree.push_back({{"name", e.name}, {"description", e.description}});
  print_tree(tree, format, out);
  return 0;
}

}  // namespace

void add_examples_command(CLI::App& app, Action* action) {
  auto name = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "examples", "List the built-in example files (use them as example:NAME), or print one");
  sub->add_option("name", *name, "Print this example, e.g. to start a budget from it");
  sub->callback([name, action] {
    *action = [name](const GlobalOptions& g, std::ostream& out) {
      return run_examples(*name, g, out);
    };
  });
}

}  // namespace scaleplan::cli
