// `scaleplan predict --law L --params N --tokens D`: what a law predicts (laws of compute alone
// take --flops).

#include <cmath>
#include <memory>

#include "app.hpp"
#include "commands.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/planner/plan.hpp"

namespace scaleplan::cli {
namespace {

struct PredictOptions {
  std::string law = kDefaultLaw;
  LawInputs in;
};

/// The option that gives each input.
std::string flag_of(const std::string& input) {
  if (input == "gpu_hours") return "--gpu-hours";
  if (input == "params_encoder") return "--params-encoder";
  if (input == "params_decoder") return "--params-decoder";
  return "--" + input;
}

double input_value(const LawInputs& in, const std::string& name) {
  if (name == "params") return in.params;
  if (name == "tokens") return in.tokens;
  if (name == "flops") return in.flops;
  if (name == "gpu_hours") return in.gpu_hours;
  if (name == "params_encoder") return in.params_encoder;
  return in.params_decoder;
}

int run_predict(const PredictOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  const Law law = load_law(o.law, "", {}, "--law");
  const std::vector<std::string> needed = required_inputs(law.form);
  for (const std::string& name : needed)
    if (!(input_value(o.in, name) > 0))
      throw InputError({}, flag_of(name),
                       "missing: law '" + law.name + "' (form " + form_name(law.form) +
                           ") predicts from " + flag_of(needed.front()) +
                           (needed.size() > 1 ? " and " + flag_of(needed.back()) : ""));
  Tree j = {{"law",
             {{"name", law.name},
              {"source", law.source},
              {"form", form_name(law.form)},
              {"metric", law.metric}}}};

  if (const auto* a = std::get_if<AllocationLaw>(&law.form)) {
    // A compute-optimal allocation law (Porian et al. 2024; DeepSeek 2024).
    const double c = o.in.flops;
    const double scale = a->params_coef * std::pow(c, a->params_exp);
    const double tokens = a->tokens_coef * std::pow(c, a->tokens_exp);
    j["flops"] = c;
    if (a->flops_per_token) {
      j["flops_per_token"] = scale;
      j["params"] = scale / 6;  // the 6N approximation of M (Kaplan et al. Sec. 2.1)
    } else {
      j["params"] = scale;
    }
    j["tokens"] = tokens;
    if (a->lr_coef > 0) j["learning_rate"] = a->lr_coef * std::pow(c, a->lr_exp);
    if (a->batch_coef > 0) j["batch_tokens"] = a->batch_coef * std::pow(c, a->batch_exp);
    require_finite(j);
    if (format != OutputFormat::kTable) {
      print_tree(j, format, out);
      return 0;
    }
    out << "C = " << fmt("%.4g", c) << " FLOPs: ";
    if (a->flops_per_token)
      out << "M* = " << fmt("%.4g", scale)
          << " FLOPs per token (N ~ M/6 = " << human_count(scale / 6) << ")";
    else
      out << "N* = " << human_count(scale);
    out << ", D* = " << human_count(tokens);
    if (a->lr_coef > 0) out << ", learning rate " << fmt("%.3g", j["learning_rate"].get<double>());
    if (a->batch_coef > 0)
      out << ", batch " << human_count(j["batch_tokens"].get<double>()) << " tokens";
    out << "  [" << law.name << "]\n";
    return 0;
  }

  const double value = evaluate(law.form, o.in);
  if (is_params_tokens_law(law.form)) {
    j["params"] = o.in.params;
    j["tokens"] = o.in.tokens;
    if (o.in.unique_tokens > 0) j["unique_tokens"] = o.in.unique_tokens;
    j["loss"] = value;
    std::optional<LossInterval> interval;
    if (o.in.unique_tokens <= 0)
      interval = loss_interval(law, o.in.params, o.in.tokens, kLossIntervalCoverage);
    if (interval) {
      j["loss_low"] = interval->low;
      j["loss_high"] = interval->high;
    }
    require_finite(j);
    if (format != OutputFormat::kTable) {
      print_tree(j, format, out);
      return 0;
    }
    out << "L(N = " << human_count(o.in.params) << ", D = " << human_count(o.in.tokens);
    if (o.in.unique_tokens > 0) out << ", U_D = " << human_count(o.in.unique_tokens);
    out << ") = " << value;
    if (interval) out << "  (80% interval " << interval->low << " to " << interval->high << ")";
    out << "  [" << law.name << "]\n";
    return 0;
  }
  Tree inputs = Tree::object();
  for (const std::string& name : needed) inputs[name] = input_value(o.in, name);
  j["inputs"] = inputs;
  j["value"] = value;
  require_finite(j);
  if (format != OutputFormat::kTable) {
    print_tree(j, format, out);
    return 0;
  }
  out << law.metric << " at";
  for (const std::string& name : needed)
    out << " " << name << " = " << fmt("%.4g", input_value(o.in, name));
  out << ": " << fmt("%.6g", value) << "  [" << law.name << "]\n";
  return 0;
}

}  // namespace

void add_predict_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand(
      "predict", "What a law predicts: the loss of N params on D tokens, or from compute alone");
  sub->add_option("--law", o->law, "Law preset or law YAML file")->capture_default_str();
  sub->add_option("--params", o->in.params, "Model parameters N")->check(positive_number());
  sub->add_option("--tokens", o->in.tokens, "Training tokens D")->check(positive_number());
  sub->add_option("--flops", o->in.flops,
                  "Training compute C in FLOPs (laws of compute alone; default 6ND)")
      ->check(positive_number());
  sub->add_option("--unique-tokens", o->in.unique_tokens,
                  "Unique tokens U_D of repeated data (muennighoff2023)")
      ->check(positive_number());
  sub->add_option("--gpu-hours", o->in.gpu_hours, "RL compute in GPU-hours (form scalerl)")
      ->check(positive_number());
  sub->add_option("--params-encoder", o->in.params_encoder,
                  "Encoder parameters (form ghorbani2021)")
      ->check(positive_number());
  sub->add_option("--params-decoder", o->in.params_decoder,
                  "Decoder parameters (form ghorbani2021)")
      ->check(positive_number());
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_predict(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
