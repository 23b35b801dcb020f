// `scaleplan predict --law L --params N --tokens D`: the loss a law predicts.

#include <memory>

#include "app.hpp"
#include "commands.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/model/law.hpp"
#include "scaleplan/planner/plan.hpp"

namespace scaleplan::cli {
namespace {

struct PredictOptions {
  std::string law = "hoffmann2022";
  double params = 0, tokens = 0;
};

int run_predict(const PredictOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, false);
  const Law law = load_law(o.law, "", {}, "--law");
  const double l = loss(law, o.params, o.tokens);
  const auto interval = loss_interval(law, o.params, o.tokens, kLossIntervalCoverage);
  Tree j = {{"law", {{"name", law.name}, {"source", law.source}}},
                      {"params", o.params},
                      {"tokens", o.tokens},
                      {"loss", l}};
  if (interval) {
    j["loss_low"] = interval->low;
    j["loss_high"] = interval->high;
  }
  require_finite(j);
  if (format != OutputFormat::kTable) {
    print_tree(j, format, out);
    return 0;
  }
  out << "L(N = " << human_count(o.params) << ", D = " << human_count(o.tokens) << ") = " << l;
  if (interval) out << "  (80% interval " << interval->low << " to " << interval->high << ")";
  out << "  [" << law.name << "]\n";
  return 0;
}

}  // namespace

void add_predict_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand("predict", "Predicted loss of N params trained on D tokens");
  sub->add_option("--law", o->law, "Law preset or law YAML file")->capture_default_str();
  sub->add_option("--params", o->params, "Model parameters N")
      ->required()
      ->check(positive_number());
  sub->add_option("--tokens", o->tokens, "Training tokens D")
      ->required()
      ->check(positive_number());
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_predict(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
