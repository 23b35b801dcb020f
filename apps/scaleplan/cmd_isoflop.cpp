// `scaleplan isoflop --law L --flops 1e20,1e21,1e22 [--plot FILE]`: loss against model size at
// fixed compute, with the optimum marked (Hoffmann et al. 2022, Fig. 3).

#include <cmath>
#include <iomanip>
#include <memory>
#include <sstream>

#include "app.hpp"
#include "commands.hpp"
#include "plot.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/planner/frontier.hpp"

namespace scaleplan::cli {
namespace {

struct IsoflopOptions {
  std::string law = kDefaultLaw;
  std::string flops;
  int points = 41;
  double range = 30;
  std::string plot;
};

std::vector<double> parse_budgets(const std::string& text) {
  std::vector<double> out;
  std::stringstream s(text);
  for (std::string item; std::getline(s, item, ',');) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v) || v <= 0)
      throw InputError({}, "--flops", "'" + printable(item) + "' is not a positive number");
    out.push_back(v);
  }
  if (out.empty()) throw InputError({}, "--flops", "give budgets such as 1e20,1e21,1e22");
  return out;
}

int run_isoflop(const IsoflopOptions& o, const GlobalOptions& g, std::ostream& out) {
  const OutputFormat format = output_format(g, true);
  const Law law = load_law(o.law, "", {}, "--law");
  require_plannable(law, {}, "--law");
  const std::vector<double> budgets = parse_budgets(o.flops);
  PlotSpec spec{"IsoFLOP profiles (law " + law.name + ")", "parameters N",
                "predicted loss (nats/token)", true, {}, {}};
  Series optima{"compute-optimal N", {}, {}, {}, true};
  Tree list = Tree::array();
  std::ostringstream csv;
  csv << std::setprecision(10) << "flops,params,tokens,loss,optimal\n";
  for (double c : budgets) {
    const Allocation opt = compute_optimal(law.form, c);
    const std::vector<IsoflopPoint> curve = isoflop(law.form, c, o.points, o.range);
    Series s{fmt("C = %.0e FLOPs", c), {}, {}, {}, false};
    Tree points = Tree::array();
    for (const IsoflopPoint& p : curve) {
      s.x.push_back(p.params);
      s.y.push_back(p.loss);
      points.push_back({{"params", p.params}, {"tokens", p.tokens}, {"loss", p.loss}});
      csv << c << "," << p.params << "," << p.tokens << "," << p.loss << ",0\n";
    }
    csv << c << "," << opt.params << "," << opt.tokens << "," << opt.loss << ",1\n";
    spec.series.push_back(s);
    optima.x.push_back(opt.params);
    optima.y.push_back(opt.loss);
    list.push_back({{"flops", c},
                    {"optimum", {{"params", opt.params}, {"tokens", opt.tokens}, {"loss", opt.loss}}},
                    {"curve", points}});
  }
  spec.markers.push_back(optima);
  require_finite(list);
  if (!o.plot.empty()) write_plot(spec, o.plot);
  if (format == OutputFormat::kCsv) {
    out << csv.str();
  } else if (format == OutputFormat::kTable) {
    out << "IsoFLOP optima (law " << law.name << ", C = 6ND)\n";
    for (const auto& item : list)
      out << "  C = " << std::setw(9) << std::left << item["flops"].get<double>() << " N = "
          << human_count(item["optimum"]["params"].get<double>())
          << ", D = " << human_count(item["optimum"]["tokens"].get<double>()) << ", loss "
          << item["optimum"]["loss"].get<double>() << "\n";
  } else {
    print_tree(list, format, out);
  }
  return 0;
}

}  // namespace

void add_isoflop_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<IsoflopOptions>();
  CLI::App* sub = app.add_subcommand("isoflop", "Loss against model size at fixed compute budgets");
  sub->add_option("--law", o->law, "Law preset or law YAML file")->capture_default_str();
  sub->add_option("--flops", o->flops, "Comma-separated FLOP budgets, e.g. 1e20,1e21,1e22")
      ->required();
  sub->add_option("--points", o->points, "Model sizes per curve")
      ->check(CLI::Range(3, 1000))
      ->capture_default_str();
  sub->add_option("--range", o->range, "Each curve spans N_opt/range to N_opt*range")
      ->check(finite_number(1.5, 1e6))
      ->capture_default_str();
  sub->add_option("--plot", o->plot, "Draw the curves to FILE.svg or FILE.png (gnuplot)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_isoflop(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
