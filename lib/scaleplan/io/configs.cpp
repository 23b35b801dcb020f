#include "scaleplan/io/configs.hpp"

#include <algorithm>
#include <filesystem>

#include "scaleplan/planner/budget.hpp"
#include "scaleplan/embedded_configs.hpp"
#include "scaleplan/io/gpus_yaml.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {

std::string_view embedded_config(std::string_view relative_path) {
  for (const EmbeddedFile& f : embedded_files())
    if (f.path == relative_path) return f.text;
  return {};
}

std::vector<Example> examples() {
  std::vector<Example> out;
  for (const EmbeddedFile& f : embedded_files()) {
    const std::filesystem::path p(f.path);
    if (p.parent_path() != "examples") continue;
    std::string description;
    if (f.text.rfind("# ", 0) == 0) description = f.text.substr(2, f.text.find('\n') - 2);
    out.push_back({p.stem().string(), description, f.text});
  }
  std::sort(out.begin(), out.end(),
            [](const Example& a, const Example& b) { return a.name < b.name; });
  return out;
}

InputText read_file_or_example(const std::string& path) {
  if (path.rfind(kExamplePrefix, 0) != 0) return {read_input(path), display_name(path)};
  const std::string name = path.substr(kExamplePrefix.size());
  std::vector<std::string> names;
  for (const Example& e : examples()) {
    if (e.name == name) return {std::string(e.text), "examples/" + name + ".yaml"};
    names.push_back(e.name);
  }
  if (name.empty())
    throw InputError({path, 0, 0}, "", "name an example: `scaleplan examples` lists them");
  throw InputError({path, 0, 0}, "",
                   "unknown example '" + name + "'" + did_you_mean(name, names) +
                       "; `scaleplan examples` lists them");
}

GpuTable load_gpu_table(const std::string& path) {
  if (path.empty()) return parse_gpu_table(std::string(embedded_config("gpus.yaml")), "gpus.yaml");
  return parse_gpu_table(read_input(path), display_name(path));
}

std::vector<std::string> law_presets() {
  std::vector<std::string> names;
  for (const EmbeddedFile& f : embedded_files()) {
    const std::filesystem::path p(f.path);
    if (p.parent_path() == "laws") names.push_back(p.stem().string());
  }
  return names;
}

Law load_law(const std::string& name_or_path, const std::string& base_dir, const SourcePos& at,
             const std::string& field) {
  namespace fs = std::filesystem;
  const std::string_view preset = embedded_config("laws/" + name_or_path + ".yaml");
  if (!preset.empty()) return parse_law(std::string(preset), "laws/" + name_or_path + ".yaml");
  fs::path path(name_or_path);
  if (path.is_relative() && !base_dir.empty()) path = fs::path(base_dir) / path;
  const std::string ext = path.extension().string();
  std::error_code ec;
  if (fs::is_regular_file(path, ec) || ext == ".yaml" || ext == ".yml") {
    if (!fs::is_regular_file(path, ec))
      throw InputError(at, field, "law file " + quote(path.string()) + " not found");
    return parse_law(read_input(path.string()), path.string());
  }
  throw InputError(at, field,
                   "unknown law " + quote(name_or_path) +
                       did_you_mean(name_or_path, law_presets()) + " (choose " +
                       join_choices(law_presets()) + ", or a law YAML file)");
}

void resolve_serving_gpu(const GpuTable& table, Budget* budget) {
  if (!budget->inference) return;
  budget->inference->resolved = resolve_gpu(table, budget->inference->gpu,
                                            budget->position_of("inference.gpu"), "inference.gpu");
  // A replica stays inside one NVLink domain: its all-reduces are on every layer's critical path.
  const std::optional<int>& tp = budget->inference->tensor_parallel;
  const int domain = budget->inference->resolved->gpus_per_node;
  if (tp && *tp > domain)
    throw InputError(budget->position_of("inference.tensor_parallel"), "inference.tensor_parallel",
                     "must be at most the " + std::to_string(domain) + " GPUs of one " +
                         budget->inference->resolved->name + " NVLink domain, got " +
                         std::to_string(*tp));
}

const Gpu& resolve_gpu(const GpuTable& table, const std::string& name, const SourcePos& at,
                       const std::string& field) {
  if (const Gpu* gpu = find_gpu(table, name)) return *gpu;
  std::vector<std::string> names;
  for (const Gpu& g : table.gpus) {
    names.push_back(g.name);
    names.insert(names.end(), g.aliases.begin(), g.aliases.end());
  }
  std::string msg = "unknown GPU " + quote(name) + did_you_mean(name, names);
  throw InputError(at, field, msg + "; `scaleplan gpus` lists them");
}

}  // namespace scaleplan
