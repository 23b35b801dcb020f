#pragma once
/// Law files (configs/laws/*.yaml and the output of `scaleplan fit`), documented in
/// docs/laws.md.

#include <string>
#include <vector>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/key_table.hpp"
#include "scaleplan/model/law.hpp"

namespace scaleplan {

/// The keys of a law file (key_table.hpp): `scaleplan schema law`.
const KeyTable& law_file_keys();

/// Parses a law YAML file; throws InputError at the first bad field.
Law parse_law(const std::string& text, const std::string& file);

/// The `form:` names, in the order docs/laws.md lists them.
const std::vector<std::string>& form_names();

/// Parameter names of a form in file order (E, A, B, alpha, beta / N_c, D_c, alpha_N,
/// alpha_D / ...), and their values.
std::vector<std::string> law_param_names(const LawForm& form);
std::vector<double> law_param_values(const LawForm& form);
std::string form_name(const LawForm& form);  ///< "chinchilla", "kaplan", "gadre2024", ...

/// The law's value rules as the law reader applies them (a parameter that must be > 0 is 0,
/// a non-finite value, ...): the first broken rule as `params.NAME: message`, or "" when the
/// law would load. `fit` checks its result with this before writing a law file.
std::string law_problem(const LawForm& form);

/// Keys of a `scaleplan fit` report that a law file may carry beside the law itself.
const std::vector<std::string>& fit_report_keys();

/// When `plan` (and `frontier`, `check`) cannot use the law: a one-line reason naming it and
/// what it predicts, or "" for a law of loss in N and D. (Laws of compute alone do not say how
/// to split a budget between N and D; a law of another metric would be planned as if it were
/// text loss.)
std::string plan_use_problem(const Law& law);
/// Throws InputError at `at` / `field` with plan_use_problem's reason, if there is one.
void require_plannable(const Law& law, const SourcePos& at, const std::string& field);

}  // namespace scaleplan
