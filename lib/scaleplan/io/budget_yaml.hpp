#pragma once
/// The budget file (docs/budget.md) parsed into a Budget, every field checked.

#include <string>

#include "scaleplan/planner/budget.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {

/// The keys of a budget file (key_table.hpp): `scaleplan schema budget`, `scaleplan init`.
const KeyTable& budget_keys();

/// Parses budget YAML `text` read from `file`; throws InputError at the first bad field.
Budget parse_budget(const std::string& text, const std::string& file);

/// Sections a run file shares with the budget file (run_yaml.cpp).
void read_model_section(const YamlMap& m, Budget& b);
void read_data_section(const YamlMap& m, Budget& b);
/// The keys of a hardware section that describe how the GPUs run (price, MFU override, goodput,
/// cluster links, spot behaviour), shared by budget and run files.
const std::vector<std::string>& hardware_run_keys();
const KeyTable& hardware_keys();
/// Reads those keys of `m` (the caller checks the keys of the whole mapping).
void read_hardware_run_keys(const YamlMap& m, Budget& b);
/// Records where `key` of `m` was read.
void remember_position(Budget& b, const YamlMap& m, const std::string& key);

}  // namespace scaleplan
