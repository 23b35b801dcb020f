#include "scaleplan/io/law_yaml.hpp"

#include <cmath>
#include <map>

#include "scaleplan/io/yaml_input.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

/// What a parameter must be for the law to make sense.
enum class Rule { kPositive, kFinite, kNegative };

struct ParamSpec {
  const char* name;
  Rule rule;
};

struct FormSpec {
  const char* name;
  std::vector<ParamSpec> params;
};

using enum Rule;

/// Every form, its `form:` name and its parameters in file order.
const std::vector<FormSpec>& form_specs() {
  static const std::vector<FormSpec> specs = {
      {"chinchilla",
       {{"E", kPositive},
        {"A", kPositive},
        {"B", kPositive},
        {"alpha", kPositive},
        {"beta", kPositive}}},
      {"kaplan",
       {{"N_c", kPositive}, {"D_c", kPositive}, {"alpha_N", kPositive}, {"alpha_D", kPositive}}},
      {"gadre2024", {{"E", kPositive}, {"a", kPositive}, {"b", kPositive}, {"eta", kPositive}}},
      {"muennighoff2023",
       {{"E", kPositive},
        {"A", kPositive},
        {"B", kPositive},
        {"alpha", kPositive},
        {"beta", kPositive},
        {"R_D_star", kPositive},
        {"R_N_star", kPositive}}},
      {"compute", {{"E", kPositive}, {"A", kPositive}, {"alpha", kPositive}}},
      {"allocation",
       {{"N_coef", kPositive},
        {"N_exp", kPositive},
        {"D_coef", kPositive},
        {"D_exp", kPositive},
        {"lr_coef", kPositive},
        {"lr_exp", kFinite},
        {"batch_coef", kPositive},
        {"batch_exp", kFinite}}},
      {"saturating",
       {{"a", kPositive},
        {"b", kPositive},
        {"c", kNegative},
        {"d", kFinite},
        {"compute_unit_flops", kPositive}}},
      {"power", {{"X_c", kPositive}, {"alpha", kPositive}}},
      {"scalerl", {{"R_0", kFinite}, {"A", kFinite}, {"C_mid", kPositive}, {"B", kPositive}}},
      {"ghorbani2021",
       {{"alpha", kPositive},
        {"N_e_ref", kPositive},
        {"p_e", kPositive},
        {"N_d_ref", kPositive},
        {"p_d", kPositive},
        {"L_inf", kFinite}}},
      {"ludziejewski2025",
       {{"a", kPositive},
        {"alpha", kNegative},
        {"delta", kFinite},
        {"gamma", kFinite},
        {"b", kPositive},
        {"beta", kNegative},
        {"omega", kFinite},
        {"zeta", kFinite},
        {"E_start", kPositive},
        {"E_max", kPositive},
        {"c", kPositive}}},
  };
  return specs;
}

const FormSpec& spec_of(const std::string& name) {
  for (const FormSpec& s : form_specs())
    if (name == s.name) return s;
  return form_specs().front();
}

/// Optional parameters: the learning-rate and batch laws of an allocation law.
bool optional_param(const std::string& form, const std::string& name) {
  return form == "allocation" && (name.rfind("lr_", 0) == 0 || name.rfind("batch_", 0) == 0);
}

std::string rule_text(Rule rule) {
  return rule == kPositive ? "must be > 0" : rule == kNegative ? "must be < 0" : "must be finite";
}

bool obeys(Rule rule, double v) {
  if (!std::isfinite(v)) return false;
  return rule == kPositive ? v > 0 : rule == kNegative ? v < 0 : true;
}

const std::vector<std::string> kVariables = {"params", "tokens", "flops"};
const std::vector<std::string> kModelScales = {"params", "flops_per_token"};

// The key tables; docs/laws.md documents the same keys.

/// The constants of one form: each a number whose sign the rule fixes (a negative one is
/// checked after the read, the table knowing only > 0 and >= 0).
const KeyTable& form_table(const std::string& form) {
  static const std::map<std::string, KeyTable> tables = [] {
    std::map<std::string, KeyTable> out;
    for (const FormSpec& s : form_specs()) {
      KeyTable t{std::string("form ") + s.name, {}, {}};
      for (const ParamSpec& p : s.params)
        t.keys.push_back({.name = p.name,
                          .description = "law constant " + std::string(p.name) +
                                         (p.rule == kNegative ? " (< 0)" : ""),
                          .range = p.rule == kPositive ? Range::kPositive : Range::kAny,
                          .required = !optional_param(s.name, p.name)});
      out.emplace(s.name, std::move(t));
    }
    return out;
  }();
  return tables.at(form);
}

std::vector<const KeyTable*> all_form_tables() {
  std::vector<const KeyTable*> out;
  for (const FormSpec& s : form_specs()) out.push_back(&form_table(s.name));
  return out;
}

const KeyTable& range_keys() {
  const auto bound = [](const char* name, const char* unit, const char* description) {
    return Key{.name = name, .unit = unit, .description = description, .range = Range::kPositive};
  };
  static const KeyTable t{"What the law was fitted on (plan warns beyond 10x of it)",
                          {bound("params_min", "parameters", "smallest N fitted"),
                           bound("params_max", "parameters", "largest N fitted"),
                           bound("tokens_min", "tokens", "smallest D fitted"),
                           bound("tokens_max", "tokens", "largest D fitted"),
                           bound("flops_min", "FLOPs", "smallest C fitted"),
                           bound("flops_max", "FLOPs", "largest C fitted"),
                           bound("experts_max", "experts",
                                 "most experts fitted (an MoE law; plan warns beyond it)")},
                          {}};
  return t;
}

const KeyTable& root_keys() {
  static const KeyTable t = [] {
    KeyTable r{
        "A scaling law (docs/laws.md)",
        {{.name = "name", .type = KeyType::kString,
          .description = "the law's name; the file's when absent"},
         {.name = "source", .type = KeyType::kString,
          .description = "where the constants come from"},
         {.name = "form", .type = KeyType::kChoice, .description = "the law's functional form",
          .choices = form_names(), .required = true,
          .missing = "missing (" + join_choices(form_names()) + ")"},
         {.name = "params", .type = KeyType::kMap,
          .description = "the law's constants, by form (docs/laws.md)", .required = true,
          .missing = "missing", .tables = all_form_tables()},
         {.name = "range", .type = KeyType::kMap, .description = "what the law was fitted on",
          .table = &range_keys()},
         {.name = "samples", .type = KeyType::kMapList,
          .description = "bootstrap parameter vectors (same keys as params): an 80% loss interval",
          .tables = all_form_tables()},
         {.name = "domain", .type = KeyType::kString,
          .description = "what the law models (text, vision, ...); text when absent"},
         {.name = "metric", .type = KeyType::kString,
          .description = "what it predicts (loss, error, ...); loss when absent"},
         {.name = "status", .type = KeyType::kString,
          .description = "how far the constants are verified"},
         {.name = "variable", .type = KeyType::kChoice,
          .description = "the power law's variable (form power)", .choices = kVariables},
         {.name = "model_scale", .type = KeyType::kChoice,
          .description = "what an allocation law's N measures (form allocation)",
          .choices = kModelScales, .default_value = "params"}},
        {}};
    // Keys of a fit report (`scaleplan fit`) may sit beside the law, kept for people to read.
    for (const std::string& k : fit_report_keys())
      r.keys.push_back({.name = k, .type = KeyType::kAny,
                        .description = "part of the fit report (`scaleplan fit`), kept for people "
                                       "to read"});
    return r;
  }();
  return t;
}

LawForm make_form(const std::string& form, const std::vector<double>& v, const YamlMap& root) {
  if (form == "chinchilla") return ChinchillaLaw{v[0], v[1], v[2], v[3], v[4]};
  if (form == "kaplan") return KaplanLaw{v[0], v[1], v[2], v[3]};
  if (form == "gadre2024") return OvertrainingLaw{v[0], v[1], v[2], v[3]};
  if (form == "muennighoff2023")
    return DataConstrainedLaw{{v[0], v[1], v[2], v[3], v[4]}, v[5], v[6]};
  if (form == "compute") return ComputeLaw{v[0], v[1], v[2]};
  if (form == "allocation") {
    AllocationLaw a{v[0], v[1], v[2], v[3], false, v[4], v[5], v[6], v[7]};
    a.flops_per_token =
        root.string("model_scale").value_or("params") == "flops_per_token";
    return a;
  }
  if (form == "saturating") return SaturatingLaw{v[0], v[1], v[2], v[3], v[4]};
  if (form == "power") {
    const std::string var = root.string("variable").value_or("");
    if (var.empty())
      root.fail("variable", "missing: a power law needs variable: params, tokens or flops");
    return PowerLaw{v[0], v[1],
                    var == "params"   ? LawVariable::kParams
                    : var == "tokens" ? LawVariable::kTokens
                                      : LawVariable::kFlops};
  }
  if (form == "scalerl") return SigmoidLaw{v[0], v[1], v[2], v[3]};
  if (form == "ludziejewski2025")
    return JointMoeLaw{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]};
  return EncoderDecoderLaw{v[0], v[1], v[2], v[3], v[4], v[5]};
}

LawForm read_form(YamlMap m, const std::string& form, const YamlMap& root) {
  m.table = &form_table(form);
  m.check_keys();
  std::vector<double> v;
  for (const ParamSpec& p : spec_of(form).params) {
    const auto value = m.number(p.name);  // required ones throw "missing"
    if (!value) {
      v.push_back(0);  // an optional one: absent
      continue;
    }
    if (!obeys(p.rule, *value))
      m.fail(p.name, rule_text(p.rule) + ", got " + printable(m.get(p.name).Scalar()));
    v.push_back(*value);
  }
  return make_form(form, v, root);
}

}  // namespace

const std::vector<std::string>& form_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const FormSpec& s : form_specs()) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

std::string form_name(const LawForm& form) {
  static_assert(std::variant_size_v<LawForm> == 11, "one form_specs() entry per LawForm type");
  return form_names()[form.index()];
}

std::vector<std::string> law_param_names(const LawForm& form) {
  std::vector<std::string> names;
  const std::string name = form_name(form);
  const std::vector<double> values = law_param_values(form);
  const auto& params = spec_of(name).params;
  for (std::size_t i = 0; i < params.size(); ++i)
    if (!(optional_param(name, params[i].name) && values[i] == 0))
      names.emplace_back(params[i].name);
  return names;
}

std::vector<double> law_param_values(const LawForm& form) {
  return std::visit(
      Overloaded{[](const ChinchillaLaw& c) {
                   return std::vector<double>{c.e, c.a, c.b, c.alpha, c.beta};
                 },
                 [](const KaplanLaw& k) {
                   return std::vector<double>{k.n_c, k.d_c, k.alpha_n, k.alpha_d};
                 },
                 [](const OvertrainingLaw& o) {
                   return std::vector<double>{o.e, o.a, o.b, o.eta};
                 },
                 [](const DataConstrainedLaw& d) {
                   return std::vector<double>{d.base.e,    d.base.a,   d.base.b,  d.base.alpha,
                                              d.base.beta, d.r_d_star, d.r_n_star};
                 },
                 [](const ComputeLaw& c) {
                   return std::vector<double>{c.e, c.a, c.alpha};
                 },
                 [](const AllocationLaw& a) {
                   return std::vector<double>{a.params_coef, a.params_exp, a.tokens_coef,
                                              a.tokens_exp,  a.lr_coef,    a.lr_exp,
                                              a.batch_coef,  a.batch_exp};
                 },
                 [](const SaturatingLaw& s) {
                   return std::vector<double>{s.a, s.b, s.c, s.d, s.compute_unit_flops};
                 },
                 [](const PowerLaw& p) {
                   return std::vector<double>{p.x_c, p.alpha};
                 },
                 [](const SigmoidLaw& s) {
                   return std::vector<double>{s.r_0, s.a, s.c_mid, s.b};
                 },
                 [](const EncoderDecoderLaw& e) {
                   return std::vector<double>{e.alpha, e.n_e_ref, e.p_e, e.n_d_ref, e.p_d, e.l_inf};
                 },
                 [](const JointMoeLaw& j) {
                   return std::vector<double>{j.a, j.alpha, j.delta, j.gamma, j.b,    j.beta,
                                              j.omega, j.zeta, j.e_start, j.e_max, j.c};
                 }},
      form);
}

std::string law_problem(const LawForm& form) {
  const std::string name = form_name(form);
  const auto& params = spec_of(name).params;
  const std::vector<double> values = law_param_values(form);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (optional_param(name, params[i].name) && values[i] == 0) continue;
    if (!obeys(params[i].rule, values[i]))
      return std::string("params.") + params[i].name + ": " + rule_text(params[i].rule) + ", got " +
             fmt("%.6g", values[i]);
  }
  return "";
}

const std::vector<std::string>& fit_report_keys() {
  static const std::vector<std::string> keys = {
      "intervals",      "objective", "runs",        "rows",     "points",    "starts",
      "starts_at_best", "refined",   "screen_rows", "at_bound", "exponents", "compute_optimal",
      "holdout",        "warnings",  "diagnostics", "group",    "joint",     "provenance"};
  return keys;
}

const KeyTable& law_file_keys() { return root_keys(); }

Law parse_law(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file, law_file_keys());
  root.check_keys();
  Law law;
  law.name = root.string("name").value_or(file);
  law.source = root.string("source").value_or("fitted law " + file);
  law.domain = root.string("domain").value_or(law.domain);
  law.metric = root.string("metric").value_or(law.metric);
  law.status = root.string("status").value_or("");
  const std::string form = *root.string("form");
  law.form = read_form(root.map("params"), form, root);
  if (root.has("range")) {
    const YamlMap r = root.map("range");
    r.check_keys();
    law.range = {r.number("params_min").value_or(0), r.number("params_max").value_or(0),
                 r.number("tokens_min").value_or(0), r.number("tokens_max").value_or(0),
                 r.number("flops_min").value_or(0),  r.number("flops_max").value_or(0),
                 r.number("experts_max").value_or(0)};
  }
  if (root.has("samples")) {
    const YAML::Node samples = root.get("samples");
    if (!samples.IsSequence()) root.fail("samples", "expected a list of parameter mappings");
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (!samples[i].IsMap()) root.fail("samples", "expected a list of parameter mappings");
      const YamlMap sample{samples[i], file, "samples[" + std::to_string(i) + "]"};
      law.samples.push_back(read_form(sample, form, root));
    }
  }
  return law;
}

std::string plan_use_problem(const Law& law) {
  if (is_params_tokens_law(law.form) && law.domain == "text") return "";
  const std::string what =
      "law '" + law.name + "' (form " + form_name(law.form) + ", " + law.domain + ") predicts ";
  if (!is_params_tokens_law(law.form)) {
    std::string inputs;
    for (const std::string& i : required_inputs(law.form))
      inputs += (inputs.empty() ? "" : ", ") + i;
    const std::string predicts = std::holds_alternative<AllocationLaw>(law.form)
                                     ? "the compute-optimal N and D"
                                     : law.metric;
    return what + predicts + " from " + inputs +
           " alone; plan needs a law of loss in N and D (`scaleplan laws` lists them; try "
           "`scaleplan predict --law " +
           law.name + "`)";
  }
  return what + law.metric + ", not text loss; plan needs a text-model law of loss in N and D";
}

void require_plannable(const Law& law, const SourcePos& at, const std::string& field) {
  const std::string problem = plan_use_problem(law);
  if (!problem.empty()) throw InputError(at, field, problem);
}

}  // namespace scaleplan
