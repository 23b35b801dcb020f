#include "scaleplan/io/runs_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <string_view>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "scaleplan/text.hpp"

namespace scaleplan {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// One CSV record: its fields (views into the text, or into `unquoted` for quoted fields) and
/// the line it starts on.
struct Record {
  std::vector<std::string_view> cells;
  std::deque<std::string> unquoted;
  int line = 0;
  bool blank() const { return cells.size() == 1 && cells[0].empty(); }
};

/// RFC 4180 records: fields separated by commas, records by LF, CRLF or CR; a field in double
/// quotes may hold commas, line breaks and doubled quotes (""). Unquoted fields are trimmed of
/// spaces and tabs (as spreadsheets write them); text around a quoted field may be spaces only.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  /// The next record, or false at the end of the text.
  bool next(Record& r) {
    r.cells.clear();
    r.unquoted.clear();
    if (pos_ >= text_.size()) return false;
    r.line = line_;
    while (true) {
      std::size_t i = pos_;
      while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      if (i < text_.size() && text_[i] == '"') {
        pos_ = i + 1;
        r.cells.push_back(quoted(r));
      } else {
        std::size_t end = pos_;
        while (end < text_.size() && text_[end] != ',' && text_[end] != '\n' && text_[end] != '\r')
          ++end;
        r.cells.push_back(trim(text_.substr(pos_, end - pos_)));
        pos_ = end;
      }
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == ',') continue;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }

 private:
  std::string_view quoted(Record& r) {
    const int start = line_;
    std::string& out = r.unquoted.emplace_back();
    while (true) {
      const std::size_t q = text_.find('"', pos_);
      if (q == std::string_view::npos)
        throw InputError({file_, start, 0}, "", "a quoted field is never closed (a \" is missing)");
      const std::string_view part = text_.substr(pos_, q - pos_);
      line_ += static_cast<int>(std::count(part.begin(), part.end(), '\n'));
      out.append(part);
      pos_ = q + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is one quote
        out.push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
      throw InputError({file_, line_, 0}, "",
                       "unexpected text after a closing quote (a quote inside a quoted field is "
                       "written \"\")");
    return out;
  }

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

/// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms,
/// no surrogates, at most U+10FFFF), or npos.
std::size_t invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
      len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string hex_byte(unsigned char c) {
  const char* digits = "0123456789ABCDEF";
  return {digits[c >> 4], digits[c & 15]};
}

double parse_number(std::string_view text, const std::string& file, int line,
                    const std::string& column) {
  const SourcePos at{file, line, 0};
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || end != s.data() + s.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range))
    throw InputError(at, column,
                     "expected a number, got '" + std::string(text) + "'" +
                         (text.empty() ? " (an empty cell)" : ""));
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves v alone on overflow and underflow alike; strtod tells them apart.
    v = std::strtod(std::string(s).c_str(), nullptr);
    if (std::isfinite(v)) return v;  // underflow: 0 or a denormal
  }
  if (!std::isfinite(v))
    throw InputError(at, column, "must be finite, got '" + std::string(text) + "'");
  return v;
}

/// Derived columns a filter may name.
const std::vector<std::string> kDerived = {"tokens_per_param", "flops"};

std::optional<double> number_of(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

const std::vector<std::string>& known_run_columns() {
  static const std::vector<std::string> columns = {"params", "tokens", "flops",  "run",
                                                   "step",   "seed",   "weight", "unique_tokens"};
  return columns;
}

RunsTable parse_runs_csv(const std::string& raw, const std::string& file,
                         const std::string& loss_column) {
  std::string_view text = raw;
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF')))
    throw InputError({file, 0, 0}, "",
                     "the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in a spreadsheet)");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    throw InputError({file,
                      1 + static_cast<int>(std::count(
                              text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n')),
                      0},
                     "", "a NUL byte: this is not a text CSV file");
  if (const auto bad = invalid_utf8(text); bad != std::string_view::npos) {
    const int line = 1 + static_cast<int>(std::count(
                             text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    throw InputError({file, line, 0}, "",
                     "not UTF-8 text (byte 0x" + hex_byte(static_cast<unsigned char>(text[bad])) +
                         "): save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet)");
  }
  CsvReader reader(text, file);
  Record rec;
  bool found = false;
  while (reader.next(rec))
    if (!rec.blank()) {
      found = true;
      break;
    }
  if (!found) throw InputError({file, 0, 0}, "", "the file is empty");

  RunsTable table;
  table.file = file;
  table.loss_column = loss_column;
  const int header_line = rec.line;
  const std::size_t width = rec.cells.size();
  std::map<std::string, std::size_t> index;
  std::vector<std::size_t> meta_index;
  for (std::size_t i = 0; i < width; ++i) {
    const std::string name(trim(rec.cells[i]));
    table.columns.push_back(name);
    if (name.empty()) continue;  // an unnamed column (a trailing comma): ignored
    if (index.count(name)) throw InputError({file, header_line, 0}, name, "duplicate column");
    index[name] = i;
    const auto& known = known_run_columns();
    if (name != loss_column && std::find(known.begin(), known.end(), name) == known.end()) {
      table.meta_columns.push_back(name);
      meta_index.push_back(i);
    }
  }
  std::vector<std::string> named;
  for (const std::string& c : table.columns)
    if (!c.empty()) named.push_back(c);
  if (named.size() == 1)
    for (const char sep : {';', '\t', '|'})
      if (named[0].find(sep) != std::string::npos)
        throw InputError({file, header_line, 0}, "",
                         std::string("the header is one column; the file seems separated by '") +
                             (sep == '\t' ? "\\t" : std::string(1, sep)) +
                             "', not commas (save it as comma-separated values)");
  for (const std::string& required : {std::string("params"), std::string("tokens"), loss_column})
    if (!index.count(required)) {
      std::string header;
      for (const std::string& n : named) header += (header.empty() ? "" : ", ") + n;
      throw InputError({file, header_line, 0}, required,
                       "missing column" + did_you_mean(required, named) + ": params, tokens and " +
                           loss_column + " are required, the header has " + header);
    }
  table.has_run_column = index.count("run") > 0;

  const auto col = [&](const char* name) -> std::optional<std::size_t> {
    const auto it = index.find(name);
    return it == index.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  };
  const std::size_t i_params = index.at("params"), i_tokens = index.at("tokens"),
                    i_loss = index.at(loss_column);
  const auto i_flops = col("flops"), i_run = col("run"), i_step = col("step"), i_seed = col("seed"),
             i_weight = col("weight"), i_unique = col("unique_tokens");
  while (reader.next(rec)) {
    if (rec.blank()) continue;
    const int line = rec.line;
    if (rec.cells.size() != width)
      throw InputError(
          {file, line, 0}, "",
          "expected " + std::to_string(width) + " fields, got " + std::to_string(rec.cells.size()));
    const auto number = [&](std::size_t i, const std::string& name) {
      return parse_number(rec.cells[i], file, line, name);
    };
    const auto positive = [&](std::size_t i, const std::string& name) {
      const double v = number(i, name);
      if (v <= 0)
        throw InputError({file, line, 0}, name, "must be > 0, got " + std::string(rec.cells[i]));
      return v;
    };
    RunRow row;
    row.line = line;
    row.params = positive(i_params, "params");
    row.tokens = positive(i_tokens, "tokens");
    row.loss = positive(i_loss, loss_column);
    if (i_flops) row.flops = positive(*i_flops, "flops");
    if (i_step) row.step = number(*i_step, "step");
    if (i_seed) row.seed = number(*i_seed, "seed");
    if (i_weight) row.weight = positive(*i_weight, "weight");
    if (i_unique) row.unique_tokens = positive(*i_unique, "unique_tokens");
    // An empty run id is no run id: the row is its own run, as without a run column.
    row.run = i_run && !rec.cells[*i_run].empty() ? std::string(rec.cells[*i_run])
                                                  : "line " + std::to_string(line);
    row.meta.reserve(meta_index.size());
    for (std::size_t i : meta_index) row.meta.emplace_back(rec.cells[i]);
    table.rows.push_back(std::move(row));
  }
  if (table.rows.empty())
    throw InputError({file, header_line, 0}, "", "no data rows after the header");
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
    f.column = std::string(trim(std::string_view(expr).substr(0, at)));
    f.op = op;
    f.text = expr;
    const std::string value(trim(std::string_view(expr).substr(at + std::string(op).size())));
    if (f.column.empty())
      throw InputError({}, option, "'" + expr + "': expected COLUMN OP VALUE, e.g. 'loss>=3.4'");
    char* end = nullptr;
    f.value = std::strtod(value.c_str(), &end);
    const bool is_number = !value.empty() && end == value.c_str() + value.size();
    if (is_number && !std::isfinite(f.value))
      throw InputError({}, option, "'" + expr + "': expected a finite number after " + op);
    if (!is_number) {
      if (f.op != "==" && f.op != "!=")
        throw InputError({}, option, "'" + expr + "': expected a number after " + op);
      if (value.empty())
        throw InputError({}, option, "'" + expr + "': expected a value after " + op);
      f.numeric = false;
      f.string_value = value;
    }
    return f;
  }
  throw InputError({}, option, "'" + expr + "': expected COLUMN OP VALUE, e.g. 'loss>=3.4'");
}

void check_filter_column(const RowFilter& f, const RunsTable& table, const std::string& option) {
  std::vector<std::string> names;
  for (const std::string& c : table.columns)
    if (!c.empty()) names.push_back(c);
  for (const std::string& d : kDerived)
    if (std::find(names.begin(), names.end(), d) == names.end()) names.push_back(d);
  if (std::find(names.begin(), names.end(), f.column) == names.end())
    throw InputError({}, option,
                     "'" + f.text + "': unknown column '" + f.column + "'" +
                         did_you_mean(f.column, names) + " (columns: " + join_choices(names) + ")");
}

std::optional<std::string> cell_text(const RunsTable& table, const RunRow& row,
                                     const std::string& column) {
  for (std::size_t i = 0; i < table.meta_columns.size(); ++i)
    if (table.meta_columns[i] == column) return row.meta[i];
  if (column == "run" && table.has_run_column) return row.run;
  const auto number = [](double v) { return fmt("%.17g", v); };
  if (column == "params") return number(row.params);
  if (column == "tokens") return number(row.tokens);
  if (column == table.loss_column) return number(row.loss);
  if (column == "flops" && row.flops) return number(*row.flops);
  if (column == "step" && row.step) return number(*row.step);
  if (column == "seed" && row.seed) return number(*row.seed);
  if (column == "weight") return number(row.weight);
  if (column == "unique_tokens" && row.unique_tokens) return number(*row.unique_tokens);
  return std::nullopt;
}

bool matches(const RowFilter& f, const RunRow& row, const RunsTable& table) {
  std::optional<double> v;
  if (f.column == "params")
    v = row.params;
  else if (f.column == "tokens")
    v = row.tokens;
  else if (f.column == table.loss_column)
    v = row.loss;
  else if (f.column == "tokens_per_param")
    v = row.tokens / row.params;
  else if (f.column == "flops")
    v = row.flops ? *row.flops : 6 * row.params * row.tokens;
  else if (f.column == "step")
    v = row.step;
  else if (f.column == "seed")
    v = row.seed;
  else if (f.column == "weight")
    v = row.weight;
  else if (f.column == "unique_tokens")
    v = row.unique_tokens;
  std::optional<std::string> text;
  if (!v) {
    text = cell_text(table, row, f.column);
    if (!text) return false;
    if (f.numeric) {
      v = number_of(*text);
      if (!v) {
        if (f.op == "==" || f.op == "!=") return (f.op == "!=");  // text never equals a number
        throw InputError({table.file, row.line, 0}, f.column,
                         "'" + *text + "' is not a number (filter '" + f.text + "')");
      }
    }
  }
  if (!f.numeric) {
    const std::string s = text ? *text : fmt("%.17g", *v);
    return (s == f.string_value) == (f.op == "==");
  }
  if (f.op == "<") return *v < f.value;
  if (f.op == "<=") return *v <= f.value;
  if (f.op == ">") return *v > f.value;
  if (f.op == ">=") return *v >= f.value;
  if (f.op == "==") return *v == f.value;
  return *v != f.value;
}

GroupSelector parse_group_selector(const std::string& expr) {
  const auto eq = expr.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == expr.size())
    throw InputError({}, "--group", "'" + expr + "': expected COLUMN=VALUE, e.g. 'dataset=c4'");
  return {std::string(trim(std::string_view(expr).substr(0, eq))),
          std::string(trim(std::string_view(expr).substr(eq + 1)))};
}

}  // namespace scaleplan
