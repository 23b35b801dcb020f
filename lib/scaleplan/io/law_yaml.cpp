#include "scaleplan/io/law_yaml.hpp"

#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

const std::vector<std::string> kChinchillaNames = {"E", "A", "B", "alpha", "beta"};
const std::vector<std::string> kKaplanNames = {"N_c", "D_c", "alpha_N", "alpha_D"};

LawForm read_form(const YamlMap& m, const std::string& form) {
  const bool chinchilla = form == "chinchilla";
  const auto& names = chinchilla ? kChinchillaNames : kKaplanNames;
  m.check_keys(names);
  std::vector<double> v;
  for (const std::string& name : names) {
    const auto value = m.positive(name);
    if (!value) throw InputError(m.pos(), m.field(name), "missing");
    v.push_back(*value);
  }
  if (chinchilla) return ChinchillaLaw{v[0], v[1], v[2], v[3], v[4]};
  return KaplanLaw{v[0], v[1], v[2], v[3]};
}

}  // namespace

std::vector<std::string> law_param_names(const LawForm& form) {
  return std::holds_alternative<ChinchillaLaw>(form) ? kChinchillaNames : kKaplanNames;
}

std::vector<double> law_param_values(const LawForm& form) {
  if (const auto* c = std::get_if<ChinchillaLaw>(&form)) return {c->e, c->a, c->b, c->alpha, c->beta};
  const auto& k = std::get<KaplanLaw>(form);
  return {k.n_c, k.d_c, k.alpha_n, k.alpha_d};
}

std::string form_name(const LawForm& form) {
  return std::holds_alternative<ChinchillaLaw>(form) ? "chinchilla" : "kaplan";
}

Law parse_law(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file);
  // Keys beyond name..samples are the fit report (`scaleplan fit`), kept for people to read.
  root.check_keys({"name", "source", "form", "params", "range", "samples", "intervals",
                   "objective", "runs", "starts", "starts_at_best", "at_bound", "exponents",
                   "compute_optimal", "holdout", "warnings", "provenance"});
  Law law;
  law.name = root.string("name").value_or(file);
  law.source = root.string("source").value_or("fitted law " + file);
  const auto form = root.choice("form", {"chinchilla", "kaplan"});
  if (!form) throw InputError(root.pos(), "form", "missing (chinchilla or kaplan)");
  if (!root.has("params")) throw InputError(root.pos(), "params", "missing");
  law.form = read_form(root.map("params"), *form);
  if (root.has("range")) {
    const YamlMap r = root.map("range");
    r.check_keys({"params_min", "params_max", "tokens_min", "tokens_max"});
    law.range = {r.positive("params_min").value_or(0), r.positive("params_max").value_or(0),
                 r.positive("tokens_min").value_or(0), r.positive("tokens_max").value_or(0)};
  }
  if (root.has("samples")) {
    const YAML::Node samples = root.get("samples");
    if (!samples.IsSequence()) root.fail("samples", "expected a list of parameter mappings");
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const YamlMap sample{samples[i], file, "samples[" + std::to_string(i) + "]"};
      if (!samples[i].IsMap()) root.fail("samples", "expected a list of parameter mappings");
      law.samples.push_back(read_form(sample, *form));
    }
  }
  return law;
}

}  // namespace scaleplan
