#pragma once
/// Law files (configs/laws/*.yaml and the output of `scaleplan fit`), documented in
/// docs/laws.md.

#include <string>

#include "scaleplan/io/key_table.hpp"
#include "scaleplan/model/law.hpp"

namespace scaleplan {

/// The keys of a law file (key_table.hpp): `scaleplan schema law`.
const KeyTable& law_file_keys();

/// Parses a law YAML file; throws InputError at the first bad field.
Law parse_law(const std::string& text, const std::string& file);

/// Parameter names of a form in file order: E, A, B, alpha, beta / N_c, D_c, alpha_N, alpha_D.
std::vector<std::string> law_param_names(const LawForm& form);
std::vector<double> law_param_values(const LawForm& form);
std::string form_name(const LawForm& form);  ///< "chinchilla" | "kaplan"

}  // namespace scaleplan
