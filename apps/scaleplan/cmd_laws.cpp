// `scaleplan laws`: the built-in scaling-law presets.

#include <iomanip>

#include "commands.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"

namespace scaleplan::cli {
namespace {

int run_laws(const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  Tree list = Tree::array();
  for (const std::string& name : law_presets()) {
    const Law law = load_law(name, "", {}, "law");
    Tree params = Tree::object();
    const auto names = law_param_names(law.form);
    const auto values = law_param_values(law.form);
    for (std::size_t i = 0; i < names.size(); ++i) params[names[i]] = values[i];
    list.push_back({{"name", law.name},
                    {"form", form_name(law.form)},
                    {"params", params},
                    {"range",
                     {{"params_min", law.range.params_min},
                      {"params_max", law.range.params_max},
                      {"tokens_min", law.range.tokens_min},
                      {"tokens_max", law.range.tokens_max}}},
                    {"source", law.source}});
  }
  require_finite(list);
  if (format != OutputFormat::kTable) {
    print_tree(list, format, out);
    return 0;
  }
  for (const auto& law : list) {
    out << std::left << std::setw(16) << law["name"].get<std::string>()
        << law["form"].get<std::string>() << ":";
    for (const auto& [k, v] : law["params"].items()) out << " " << k << "=" << v.get<double>();
    out << "\n" << std::setw(16) << "" << law["source"].get<std::string>() << "\n";
  }
  return 0;
}

}  // namespace

void add_laws_command(CLI::App& app, Action* action) {
  CLI::App* sub = app.add_subcommand("laws", "List the built-in scaling-law presets");
  sub->callback([action] { *action = run_laws; });
}

}  // namespace scaleplan::cli
