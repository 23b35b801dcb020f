// `scaleplan laws`: the built-in scaling-law presets, with what each predicts and where from.

#include <iomanip>

#include "commands.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"

namespace scaleplan::cli {
namespace {

/// "N 5.7e+07 to 1.62e+10, D 2.45e+08 to 3.18e+11" (the parts the law records).
std::string range_text(const FitRange& r) {
  std::string out;
  const auto part = [&](const char* label, double lo, double hi) {
    if (lo <= 0 && hi <= 0) return;
    if (!out.empty()) out += ", ";
    out += std::string(label) + " " + (lo > 0 ? fmt("%.3g", lo) : "?") + " to " +
           (hi > 0 ? fmt("%.3g", hi) : "?");
  };
  part("N", r.params_min, r.params_max);
  part("D", r.tokens_min, r.tokens_max);
  part("C", r.flops_min, r.flops_max);
  return out.empty() ? "not recorded" : out;
}

int run_laws(const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  Tree list = Tree::array();
  for (const std::string& name : law_presets()) {
    const Law law = load_law(name, "", {}, "law");
    Tree params = Tree::object();
    const auto names = law_param_names(law.form);
    const auto values = law_param_values(law.form);
    for (std::size_t i = 0; i < names.size(); ++i) params[names[i]] = values[i];
    Tree inputs = Tree::array();
    for (const std::string& i : required_inputs(law.form)) inputs.push_back(i);
    const std::string plan_problem = plan_use_problem(law);
    list.push_back({{"name", law.name},
                    {"default", law.name == kDefaultLaw},
                    {"form", form_name(law.form)},
                    {"domain", law.domain},
                    {"metric", law.metric},
                    {"inputs", inputs},
                    {"plan", plan_problem.empty()},
                    {"params", params},
                    {"range",
                     {{"params_min", law.range.params_min},
                      {"params_max", law.range.params_max},
                      {"tokens_min", law.range.tokens_min},
                      {"tokens_max", law.range.tokens_max},
                      {"flops_min", law.range.flops_min},
                      {"flops_max", law.range.flops_max}}},
                    {"status", law.status},
                    {"source", law.source}});
  }
  require_finite(list);
  if (format != OutputFormat::kTable) {
    print_tree(list, format, out);
    return 0;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& law = list[i];
    const Law full = load_law(law["name"].get<std::string>(), "", {}, "law");
    const bool is_default = law["default"].get<bool>();
    out << std::left << std::setw(24) << (law["name"].get<std::string>() + (is_default ? " *" : ""))
        << law["form"].get<std::string>() << ":";
    for (const auto& [k, v] : law["params"].items()) out << " " << k << "=" << v.get<double>();
    out << "\n"
        << std::setw(24) << "" << law["domain"].get<std::string>() << "; "
        << law["metric"].get<std::string>() << "; inputs:";
    for (std::size_t k = 0; k < law["inputs"].size(); ++k)
      out << (k ? ", " : " ") << law["inputs"][k].get<std::string>();
    out << (law["plan"].get<bool>() ? "" : " (not for plan)") << "\n";
    out << std::setw(24) << ""
        << "fitted on " << range_text(full.range) << "; " << law["status"].get<std::string>()
        << "\n";
    out << std::setw(24) << "" << law["source"].get<std::string>() << "\n";
  }
  out << "\n* the default (model.law, --law): it reproduces the Chinchilla model (5.76e23 FLOPs -> "
         "72B params on 1.33T tokens; the paper's 70B on 1.4T). hoffmann2022's printed Approach 3 "
         "constants disagree with the paper's Approaches 1-2 and that model (Besiroglu et al. "
         "2024) and plan 2.2-2.7x smaller models on more tokens; docs/laws.md.\n";
  return 0;
}

}  // namespace

void add_laws_command(CLI::App& app, Action* action) {
  CLI::App* sub = app.add_subcommand("laws", "List the built-in scaling-law presets");
  sub->callback([action] { *action = run_laws; });
}

}  // namespace scaleplan::cli
