#include "scaleplan/io/law_yaml.hpp"

#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

const std::vector<std::string> kChinchillaNames = {"E", "A", "B", "alpha", "beta"};
const std::vector<std::string> kKaplanNames = {"N_c", "D_c", "alpha_N", "alpha_D"};

// The key tables; docs/laws.md documents the same keys.

KeyTable constants(const std::vector<std::string>& names, const char* description) {
  KeyTable t{description, {}, {}};
  for (const std::string& n : names)
    t.keys.push_back({.name = n, .description = "law constant " + n, .range = Range::kPositive,
                      .required = true});
  return t;
}

const KeyTable& chinchilla_keys() {
  static const KeyTable t = constants(kChinchillaNames, "L = E + A/N^alpha + B/D^beta");
  return t;
}

const KeyTable& kaplan_keys() {
  static const KeyTable t =
      constants(kKaplanNames, "L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D");
  return t;
}

const KeyTable& range_keys() {
  const auto bound = [](const char* name, const char* unit, const char* description) {
    return Key{.name = name, .unit = unit, .description = description, .range = Range::kPositive};
  };
  static const KeyTable t{"What the law was fitted on (plan warns beyond 10x of it)",
                          {bound("params_min", "parameters", "smallest N fitted"),
                           bound("params_max", "parameters", "largest N fitted"),
                           bound("tokens_min", "tokens", "smallest D fitted"),
                           bound("tokens_max", "tokens", "largest D fitted")},
                          {}};
  return t;
}

const KeyTable& root_keys() {
  const auto report = [](const char* name) {
    return Key{.name = name, .type = KeyType::kAny,
               .description = "part of the fit report (`scaleplan fit`), kept for people to read"};
  };
  static const KeyTable t{
      "A scaling law L(N, D) (docs/laws.md)",
      {{.name = "name", .type = KeyType::kString,
        .description = "the law's name; the file's when absent"},
       {.name = "source", .type = KeyType::kString, .description = "where the constants come from"},
       {.name = "form", .type = KeyType::kChoice, .description = "the law's functional form",
        .choices = {"chinchilla", "kaplan"}, .required = true},
       {.name = "params", .type = KeyType::kMap,
        .description = "the law's constants: E, A, B, alpha, beta (chinchilla) or N_c, D_c, "
                       "alpha_N, alpha_D (kaplan)",
        .required = true, .missing = "missing", .tables = {&chinchilla_keys(), &kaplan_keys()}},
       {.name = "range", .type = KeyType::kMap, .description = "what the law was fitted on",
        .table = &range_keys()},
       {.name = "samples", .type = KeyType::kMapList,
        .description = "bootstrap parameter vectors (same keys as params): an 80% loss interval",
        .tables = {&chinchilla_keys(), &kaplan_keys()}},
       report("intervals"), report("objective"), report("runs"), report("starts"),
       report("starts_at_best"), report("at_bound"), report("exponents"),
       report("compute_optimal"), report("holdout"), report("warnings"), report("provenance")},
      {}};
  return t;
}

LawForm read_form(YamlMap m, const std::string& form) {
  const bool chinchilla = form == "chinchilla";
  m.table = chinchilla ? &chinchilla_keys() : &kaplan_keys();
  m.check_keys();
  std::vector<double> v;
  for (const Key& k : m.table->keys) v.push_back(*m.number(k.name));
  if (chinchilla) return ChinchillaLaw{v[0], v[1], v[2], v[3], v[4]};
  return KaplanLaw{v[0], v[1], v[2], v[3]};
}

}  // namespace

const KeyTable& law_file_keys() { return root_keys(); }

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
  const YamlMap root = root_map(parse_yaml(text, file), file, law_file_keys());
  root.check_keys();
  Law law;
  law.name = root.string("name").value_or(file);
  law.source = root.string("source").value_or("fitted law " + file);
  const std::string form = *root.string("form");
  law.form = read_form(root.map("params"), form);
  if (root.has("range")) {
    const YamlMap r = root.map("range");
    r.check_keys();
    law.range = {r.number("params_min").value_or(0), r.number("params_max").value_or(0),
                 r.number("tokens_min").value_or(0), r.number("tokens_max").value_or(0)};
  }
  if (root.has("samples")) {
    const YAML::Node samples = root.get("samples");
    if (!samples.IsSequence()) root.fail("samples", "expected a list of parameter mappings");
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (!samples[i].IsMap()) root.fail("samples", "expected a list of parameter mappings");
      const YamlMap sample{samples[i], file, "samples[" + std::to_string(i) + "]"};
      law.samples.push_back(read_form(sample, form));
    }
  }
  return law;
}

}  // namespace scaleplan
