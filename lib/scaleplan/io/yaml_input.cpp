#include "scaleplan/io/yaml_input.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace scaleplan {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string read_input(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, 0}, "", std::string("cannot read: ") + std::strerror(errno));
  text << in.rdbuf();
  if (in.bad()) throw InputError({path, 0, 0}, "", "read error");
  return text.str();
}

SourcePos position(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();  // 0-based; -1 when unknown
  if (mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "", "invalid YAML: " + e.msg);
  }
}

YamlMap root_map(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap())
    throw InputError(position(file, root), "",
                     root.IsNull() ? "the file is empty" : "expected a YAML mapping at the top");
  return {root, file, ""};
}

SourcePos YamlMap::pos() const { return position(file, node); }

SourcePos YamlMap::pos(const std::string& key) const {
  const YAML::Node value = get(key);
  return value ? position(file, value) : pos();
}

std::string YamlMap::field(const std::string& key) const {
  return path.empty() ? key : path + "." + key;
}

bool YamlMap::has(const std::string& key) const {
  const YAML::Node value = get(key);
  return value.IsDefined() && !value.IsNull();
}

YAML::Node YamlMap::get(const std::string& key) const {
  const YAML::Node& self = node;  // const access never inserts
  return self[key];
}

void YamlMap::fail(const std::string& key, const std::string& message) const {
  throw InputError(pos(key), field(key), message);
}

void YamlMap::check_keys(const std::vector<std::string>& allowed) const {
  std::set<std::string> seen;
  for (const auto& item : node) {
    const SourcePos at = position(file, item.first);
    if (!item.first.IsScalar()) throw InputError(at, path, "keys must be plain names");
    const std::string key = item.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw InputError(at, field(key), "unknown key" + did_you_mean(key, allowed));
    if (!seen.insert(key).second) throw InputError(at, field(key), "duplicate key");
  }
}

YamlMap YamlMap::map(const std::string& key) const {
  const YAML::Node value = get(key);
  if (!value.IsMap()) fail(key, "expected a mapping of keys");
  return {value, file, field(key)};
}

double number_at(const YAML::Node& node, const std::string& file, const std::string& field) {
  const SourcePos at = position(file, node);
  if (!node.IsScalar()) throw InputError(at, field, "expected a number");
  const std::string text = node.Scalar();
  double value = 0;
  if (!YAML::convert<double>::decode(node, value) || text.empty()) {
    errno = 0;
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    if (errno == ERANGE && end && *end == '\0')
      throw InputError(at, field, "out of range, got '" + text + "'");
    throw InputError(at, field, "expected a number, got '" + text + "'");
  }
  if (!std::isfinite(value)) throw InputError(at, field, "must be finite, got '" + text + "'");
  return value;
}

std::optional<double> YamlMap::number(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return number_at(get(key), file, field(key));
}

std::optional<double> YamlMap::positive(const std::string& key) const {
  const auto value = number(key);
  if (value && *value <= 0) fail(key, "must be > 0, got " + get(key).Scalar());
  return value;
}

std::optional<double> YamlMap::non_negative(const std::string& key) const {
  const auto value = number(key);
  if (value && *value < 0) fail(key, "must be >= 0, got " + get(key).Scalar());
  return value;
}

std::optional<int> YamlMap::positive_int(const std::string& key) const {
  const auto value = positive(key);
  if (!value) return std::nullopt;
  if (*value != std::floor(*value)) fail(key, "must be a whole number, got " + get(key).Scalar());
  if (*value > 1e9) fail(key, "must be at most 1e9, got " + get(key).Scalar());
  return static_cast<int>(*value);
}

std::optional<std::string> YamlMap::string(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const YAML::Node value = get(key);
  if (!value.IsScalar()) fail(key, "expected a string");
  return value.Scalar();
}

std::optional<bool> YamlMap::boolean(const std::string& key) const {
  const auto value = string(key);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  fail(key, "expected true or false, got '" + *value + "'");
}

std::optional<std::string> YamlMap::choice(const std::string& key,
                                           const std::vector<std::string>& choices) const {
  const auto value = string(key);
  if (value && std::find(choices.begin(), choices.end(), *value) == choices.end())
    fail(key, "unknown value '" + *value + "' (choose " + join_choices(choices) + ")");
  return value;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest(const std::string& word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(lower(word), lower(c));
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best && best_distance <= 1) return best;
  // A truncated name ("latency_ms" for "latency_ms_per_token") is the next likeliest slip.
  if (word.size() >= 4)
    for (const std::string& c : candidates)
      if (c.size() > word.size() && lower(c).rfind(lower(word), 0) == 0) return c;
  // Suggest only when at most a third of the word differs (ninja's edit-distance rule of thumb).
  if (best && best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
  return std::nullopt;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const auto c = closest(word, candidates);
  return c ? " (did you mean '" + *c + "'?)" : "";
}

std::string join_choices(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

}  // namespace scaleplan
