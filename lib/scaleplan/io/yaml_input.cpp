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

YamlMap root_map(const YAML::Node& root, const std::string& file, const KeyTable& table) {
  if (!root.IsMap())
    throw InputError(position(file, root), "",
                     root.IsNull() ? "the file is empty" : "expected a YAML mapping at the top");
  return {root, file, "", &table};
}

namespace {

/// A read that does not match its key table is a bug in the parser, not a user mistake.
[[noreturn]] void internal_error(const std::string& what) {
  std::cerr << "scaleplan: internal error: " << what << "\n";
  std::abort();
}

}  // namespace

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

const Key& YamlMap::spec(const std::string& key) const { return table->key(key); }

void YamlMap::fail(const std::string& key, const std::string& message) const {
  throw InputError(pos(key), field(key), message);
}

void YamlMap::missing(const std::string& key) const {
  const Key& k = spec(key);
  std::string message = k.missing;
  if (message.empty())
    message = k.type == KeyType::kChoice ? "missing (" + join_choices(k.choices) + ")" : "missing";
  throw InputError(pos(), field(key), message);
}

void YamlMap::check_keys() const {
  const std::vector<std::string> allowed = table->names();
  std::set<std::string> seen;
  for (const auto& item : node) {
    const SourcePos at = position(file, item.first);
    if (!item.first.IsScalar()) throw InputError(at, path, "keys must be plain names");
    const std::string key = item.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string hint = did_you_mean(key, allowed);
      if (hint.empty()) {
        hint = " (valid keys:";
        for (const std::string& name : allowed) hint += " " + name + ",";
        hint.back() = ')';
      }
      throw InputError(at, field(key), "unknown key" + hint);
    }
    if (!seen.insert(key).second) throw InputError(at, field(key), "duplicate key");
  }
  for (const Key& k : table->keys)
    if (k.required && !has(k.name)) missing(k.name);
  for (const OneOf& group : table->one_of) {
    std::string given;
    for (const std::string& key : group.keys) {
      if (!has(key)) continue;
      if (!given.empty())
        fail(key, group.noun.empty()
                      ? "give " + join_choices(group.keys) + ", not both"
                      : "give exactly one of " + join_choices(group.keys) + " (" + given +
                            " is also given)");
      given = key;
    }
    if (!given.empty()) continue;
    if (group.noun.empty())
      throw InputError(pos(), field(group.keys[0]), "missing: give " + join_choices(group.keys));
    throw InputError(pos(), path,
                     "missing " + group.noun + ": give one of " + join_choices(group.keys));
  }
}

YamlMap YamlMap::map(const std::string& key) const {
  const YAML::Node value = get(key);
  if (!value.IsMap()) fail(key, "expected a mapping of keys");
  return {value, file, field(key), spec(key).table};
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
  const Key& k = spec(key);
  if (!has(key)) {
    if (k.required) missing(key);
    return std::nullopt;
  }
  const double value = number_at(get(key), file, field(key));
  const std::string text = get(key).Scalar();
  if (k.range == Range::kPositive && value <= 0) fail(key, "must be > 0, got " + text);
  if (k.range == Range::kNonNegative && value < 0) fail(key, "must be >= 0, got " + text);
  if (k.type == KeyType::kInteger) {
    if (value != std::floor(value)) fail(key, "must be a whole number, got " + text);
    const double max = k.max.value_or(1e9);
    if (value > max) fail(key, "must be at most " + yaml_number(max) + ", got " + text);
  } else if (k.max && value > *k.max) {
    fail(key, "must be <= " + yaml_number(*k.max) + ", got " + text);
  }
  return value;
}

std::optional<long long> YamlMap::long_integer(const std::string& key) const {
  if (spec(key).type != KeyType::kInteger) internal_error(field(key) + " is not an integer key");
  const auto value = number(key);
  if (!value) return std::nullopt;
  return static_cast<long long>(*value);
}

std::optional<int> YamlMap::integer(const std::string& key) const {
  if (spec(key).max.value_or(1e9) > 2147483647.0)
    internal_error(field(key) + " may exceed an int: read it with long_integer");
  const auto value = long_integer(key);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

std::optional<std::string> YamlMap::string(const std::string& key) const {
  const Key& k = spec(key);
  if (!has(key)) {
    if (k.required) missing(key);
    return std::nullopt;
  }
  const YAML::Node value = get(key);
  if (!value.IsScalar()) fail(key, "expected a string");
  const std::string text = value.Scalar();
  if (k.type == KeyType::kChoice &&
      std::find(k.choices.begin(), k.choices.end(), text) == k.choices.end())
    fail(key, "unknown value '" + text + "' (choose " + join_choices(k.choices) + ")");
  return text;
}

std::optional<bool> YamlMap::boolean(const std::string& key) const {
  if (spec(key).type != KeyType::kBool) internal_error(field(key) + " is not a boolean key");
  if (!has(key)) {
    if (spec(key).required) missing(key);
    return std::nullopt;
  }
  const YAML::Node value = get(key);
  const std::string text = value.IsScalar() ? value.Scalar() : "";
  if (text == "true") return true;
  if (text == "false") return false;
  fail(key, "expected true or false, got '" + text + "'");
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
