// `scaleplan gpus`: the GPU throughput table in use.

#include "commands.hpp"
#include "scaleplan/io/configs.hpp"

namespace scaleplan::cli {

void add_gpus_command(CLI::App& app, Action* action) {
  CLI::App* sub = app.add_subcommand("gpus", "List the GPU table: peaks, memory, prices, MFU");
  sub->callback([action] {
    *action = [](const GlobalOptions& g, std::ostream& out) {
      const OutputFormat format = output_format(g, false);
      const GpuTable table = load_gpu_table(g.gpus_file);
      const Tree tree = gpus_to_json(table);
      require_finite(tree);
      if (format == OutputFormat::kTable) print_gpus_table(table, out);
      else print_tree(tree, format, out);
      return 0;
    };
  });
}

}  // namespace scaleplan::cli
