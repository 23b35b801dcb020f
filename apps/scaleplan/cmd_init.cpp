// `scaleplan init [--gpu G] [--usd X | --gpu-hours H | --flops F] [-o budget.yaml]`: a commented
// starter budget with every key at its default, written from the budget's key table.

#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/file_io.hpp"

namespace scaleplan::cli {
namespace {

struct InitOptions {
  std::string gpu;
  double usd = 0, gpu_hours = 0, flops = 0;
  std::string output;
};

std::string header(const std::string& file) {
  return "# A starter budget written by `scaleplan init`: every key at its default, the optional\n"
         "# ones commented out with an example value. Plan it with `scaleplan plan " +
         file +
         "`.\n"
         "# Every key, its unit and its rule: docs/budget.md, or `scaleplan schema budget` (a JSON\n"
         "# Schema: with a `# yaml-language-server: $schema=...` line, editors check this file).\n\n";
}

int run_init(const InitOptions& o, const GlobalOptions& g, std::ostream& out) {
  std::map<std::string, nlohmann::json> values;
  if (!o.gpu.empty()) {
    const GpuTable table = load_gpu_table(g.gpus_file);
    const Gpu& gpu = resolve_gpu(table, o.gpu, {}, "--gpu");
    values["hardware.gpu"] = gpu.name;
    if (!gpu.price_on_demand_usd_per_gpu_hour && o.gpu_hours == 0 && o.flops == 0)
      std::cerr << "scaleplan: warning: the GPU table has no on-demand price for " << gpu.name
                << ": set hardware.price_usd_per_gpu_hour before planning in dollars\n";
  }
  // The planner picks the GPU count up to a limit: the starter's choice of count | max_count.
  values["hardware.max_count"] = budget_keys().key("hardware").table->key("max_count").example;
  if (o.usd > 0) values["budget.usd"] = o.usd;
  if (o.gpu_hours > 0) values["budget.gpu_hours"] = o.gpu_hours;
  if (o.flops > 0) values["budget.flops"] = o.flops;
  const bool to_stdout = o.output.empty() || o.output == "-";
  const std::string text =
      header(to_stdout ? "budget.yaml" : o.output) + starter_yaml(budget_keys(), values);
  // What init writes must read back: a bug here is caught before the user sees the file.
  parse_budget(text, "<init>");
  if (to_stdout) {
    out << text;
    return 0;
  }
  std::error_code ec;
  if (std::filesystem::exists(o.output, ec))
    throw InputError({o.output, 0, 0}, "", "already exists; remove it or give another -o");
  write_file_atomically(o.output, text);
  if (!g.quiet)
    std::cerr << "scaleplan: wrote " << o.output << "; plan it with `scaleplan plan " << o.output
              << "`\n";
  return 0;
}

}  // namespace

void add_init_command(CLI::App& app, Action* action) {
  auto o = std::make_shared<InitOptions>();
  CLI::App* sub = app.add_subcommand(
      "init", "Write a commented starter budget, every key at its default (valid as written)");
  sub->add_option("--gpu", o->gpu, "GPU from `scaleplan gpus` (default H100-SXM)");
  auto* usd = sub->add_option("--usd", o->usd, "Budget in US dollars (the default, 1e5)")
                  ->check(CLI::PositiveNumber);
  auto* hours = sub->add_option("--gpu-hours", o->gpu_hours, "Budget in GPU-hours")
                    ->check(CLI::PositiveNumber);
  auto* flops = sub->add_option("--flops", o->flops, "Budget in training FLOPs")
                    ->check(CLI::PositiveNumber);
  usd->excludes(hours)->excludes(flops);
  hours->excludes(flops);
  sub->add_option("-o,--output", o->output, "Write the budget here (not over an existing file)");
  sub->callback([o, action] {
    *action = [o](const GlobalOptions& g, std::ostream& out) { return run_init(*o, g, out); };
  });
}

}  // namespace scaleplan::cli
