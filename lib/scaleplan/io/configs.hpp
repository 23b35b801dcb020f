#pragma once
/// The built-in configuration (configs/ compiled into the binary) and the resolution of
/// user-given names: GPU names, law presets and law files.

#include <string>
#include <string_view>
#include <vector>

#include "scaleplan/model/hardware.hpp"
#include "scaleplan/input_error.hpp"
#include "scaleplan/model/law.hpp"

namespace scaleplan {

/// Text of a file under configs/ as compiled in ("gpus.yaml", "laws/hoffmann2022.yaml");
/// empty if there is none.
std::string_view embedded_config(std::string_view relative_path);

/// A compiled-in example budget (configs/examples/NAME.yaml).
struct Example {
  std::string name;         ///< "h100_2m_usd"
  std::string description;  ///< the file's first comment line
  std::string_view text;
};
std::vector<Example> examples();

/// The prefix that names a compiled-in example wherever a budget or run file is read.
inline constexpr std::string_view kExamplePrefix = "example:";

/// A budget or run file's text and the name errors give it.
struct InputText {
  std::string text;
  std::string name;
};
/// `example:NAME` is a compiled-in example (named "examples/NAME.yaml" in errors), "-" is
/// stdin, anything else a path (read_input).
InputText read_file_or_example(const std::string& path);

/// The compiled-in GPU table, or the one in `path` when it is not empty.
GpuTable load_gpu_table(const std::string& path);

/// Names of the built-in law presets.
std::vector<std::string> law_presets();

/// A preset by name, or a law YAML file: `name_or_path` is a path when it names an existing file
/// or ends in .yaml/.yml (relative paths resolve against `base_dir`). Errors point at `at`.
Law load_law(const std::string& name_or_path, const std::string& base_dir, const SourcePos& at,
             const std::string& field);

/// The GPU named `name` (case-insensitive, aliases too); errors point at `at`.
const Gpu& resolve_gpu(const GpuTable& table, const std::string& name, const SourcePos& at,
                       const std::string& field);

/// Fills budget.inference->resolved from the table (errors point at inference.gpu).
struct Budget;
void resolve_serving_gpu(const GpuTable& table, Budget* budget);

}  // namespace scaleplan
