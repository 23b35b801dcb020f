#include "scaleplan/io/runs_csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/yaml_input.hpp"

namespace scaleplan {
namespace {

const std::vector<std::string> kColumns = {"params", "tokens", "loss", "flops",
                                           "run",    "step",   "seed", "weight"};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  for (std::string cell; std::getline(s, cell, ',');) out.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

double parse_number(const std::string& text, const std::string& file, int line,
                    const std::string& column) {
  const SourcePos at{file, line, 0};
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    throw InputError(at, column, "expected a number, got '" + text + "'");
  if (errno == ERANGE || !std::isfinite(v))
    throw InputError(at, column, "must be finite, got '" + text + "'");
  return v;
}

}  // namespace

RunsTable parse_runs_csv(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  std::map<std::string, std::size_t> index;
  std::size_t width = 0;
  // Header: the first non-empty line.
  while (std::getline(in, line)) {
    ++line_no;
    if (!trim(line).empty()) break;
  }
  if (trim(line).empty()) throw InputError({file, 0, 0}, "", "the file is empty");
  const std::vector<std::string> header = split(line);
  width = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end())
      throw InputError({file, line_no, 0}, name,
                       "unknown column" + did_you_mean(name, kColumns) + " (columns: " +
                           join_choices(kColumns) + ")");
    if (index.count(name)) throw InputError({file, line_no, 0}, name, "duplicate column");
    index[name] = i;
  }
  for (const char* required : {"params", "tokens", "loss"})
    if (!index.count(required))
      throw InputError({file, line_no, 0}, required, "missing column (params, tokens and loss are required)");

  RunsTable table{file, {}};
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const std::vector<std::string> cells = split(line);
    if (cells.size() != width)
      throw InputError({file, line_no, 0}, "",
                       "expected " + std::to_string(width) + " fields, got " +
                           std::to_string(cells.size()));
    const auto number = [&](const std::string& col) {
      return parse_number(cells[index.at(col)], file, line_no, col);
    };
    const auto positive = [&](const std::string& col) {
      const double v = number(col);
      if (v <= 0) throw InputError({file, line_no, 0}, col, "must be > 0, got " + cells[index.at(col)]);
      return v;
    };
    RunRow row;
    row.line = line_no;
    row.params = positive("params");
    row.tokens = positive("tokens");
    row.loss = positive("loss");
    if (index.count("flops")) row.flops = positive("flops");
    if (index.count("step")) row.step = number("step");
    if (index.count("seed")) row.seed = number("seed");
    if (index.count("weight")) row.weight = positive("weight");
    row.run = index.count("run") ? cells[index.at("run")] : "line " + std::to_string(line_no);
    table.rows.push_back(row);
  }
  if (table.rows.empty()) throw InputError({file, line_no, 0}, "", "no data rows after the header");
  return table;
}

std::vector<RunRow> final_checkpoints(const std::vector<RunRow>& rows) {
  std::map<std::string, std::size_t> last;  // run -> index of its final row
  std::vector<std::string> order;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto it = last.find(rows[i].run);
    if (it == last.end()) {
      last[rows[i].run] = i;
      order.push_back(rows[i].run);
      continue;
    }
    const RunRow& best = rows[it->second];
    const double a = rows[i].step.value_or(rows[i].tokens), b = best.step.value_or(best.tokens);
    if (a >= b) it->second = i;
  }
  std::vector<RunRow> out;
  for (const std::string& run : order) out.push_back(rows[last[run]]);
  return out;
}

RowFilter parse_row_filter(const std::string& expr, const std::string& option) {
  static const char* kOps[] = {"<=", ">=", "==", "!=", "<", ">"};
  for (const char* op : kOps) {
    const auto at = expr.find(op);
    if (at == std::string::npos) continue;
    RowFilter f;
    f.column = trim(expr.substr(0, at));
    f.op = op;
    f.text = expr;
    const std::string number = trim(expr.substr(at + std::string(op).size()));
    char* end = nullptr;
    f.value = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size())
      throw InputError({}, option, "'" + expr + "': expected a number after " + op);
    const std::vector<std::string> numeric = {"params", "tokens", "loss", "flops", "step", "seed", "weight"};
    if (std::find(numeric.begin(), numeric.end(), f.column) == numeric.end())
      throw InputError({}, option, "'" + expr + "': unknown column '" + f.column + "'" +
                                       did_you_mean(f.column, numeric));
    return f;
  }
  throw InputError({}, option, "'" + expr + "': expected COLUMN OP NUMBER, e.g. 'loss>=3.4'");
}

bool matches(const RowFilter& f, const RunRow& row) {
  std::optional<double> v;
  if (f.column == "params") v = row.params;
  else if (f.column == "tokens") v = row.tokens;
  else if (f.column == "loss") v = row.loss;
  else if (f.column == "flops") v = row.flops ? row.flops : 6 * row.params * row.tokens;
  else if (f.column == "step") v = row.step;
  else if (f.column == "seed") v = row.seed;
  else if (f.column == "weight") v = row.weight;
  if (!v) return false;
  if (f.op == "<") return *v < f.value;
  if (f.op == "<=") return *v <= f.value;
  if (f.op == ">") return *v > f.value;
  if (f.op == ">=") return *v >= f.value;
  if (f.op == "==") return *v == f.value;
  return *v != f.value;
}

}  // namespace scaleplan
