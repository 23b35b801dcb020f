#include "scaleplan/io/yaml_input.hpp"

#include <yaml-cpp/depthguard.h>  // YAML::DeepRecursion
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <stdexcept>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include "scaleplan/text.hpp"

namespace scaleplan {

SourcePos position(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();  // 0-based; -1 when unknown
  if (mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

namespace {

/// YAML 1.2 line breaks: CRLF and a bare CR end a line as LF does (yaml-cpp knows only LF).
std::string normalise_line_breaks(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r')
      out += text[i];
    else if (i + 1 == text.size() || text[i + 1] != '\n')
      out += '\n';
  }
  return out;
}

/// YAML streams are UTF-8 without control characters other than tab and line breaks (YAML 1.2,
/// 5.1 c-printable); yaml-cpp takes any byte and would echo it in messages and results.
void check_characters(const std::string& text, const std::string& file) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length_at(text, i);
    if (n == 0)
      throw InputError({file, line, column}, "",
                       "invalid YAML: byte " + printable(text.substr(i, 1)) +
                           " is not UTF-8 (YAML files are UTF-8 text)");
    if (n == 1 && ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F))
      throw InputError({file, line, column}, "",
                       "invalid YAML: control character " + printable(text.substr(i, 1)) +
                           " (YAML files are text)");
    if (c == '\n')
      ++line, column = 1;
    else
      ++column;
    i += n;
  }
}

/// Records where each document starts; the events themselves are not needed.
struct DocumentStarts : YAML::EventHandler {
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

[[noreturn]] void invalid_yaml(const YAML::Exception& e, const std::string& file) {
  throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "",
                   "invalid YAML: " + printable(e.msg));
}

/// Parses the text's first two documents as events, without building them: a second document
/// is an error at its `---`, and so is YAML that yaml-cpp 0.7 never consumes (a stray ',' at
/// the top yields empty documents at the same place forever, so YAML::LoadAll never returns).
void check_one_document(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts documents;
  try {
    for (int i = 0; i < 2 && parser.HandleNextDocument(documents); ++i) {
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard gives no position.
    throw InputError(
        {file, 0, 0}, "",
        "invalid YAML: nested more than " + std::to_string(e.depth() - 1) + " levels deep");
  } catch (const YAML::Exception& e) {
    invalid_yaml(e, file);
  }
  if (documents.starts.size() < 2) return;
  const YAML::Mark first = documents.starts[0], second = documents.starts[1];
  const SourcePos at{file, second.line + 1, second.column + 1};
  if (second.pos == first.pos) {
    const std::size_t offset = static_cast<std::size_t>(std::max(second.pos, 0));
    throw InputError(at, "", "invalid YAML: unexpected " + quote(text.substr(offset, 1)));
  }
  throw InputError(at, "", "a second YAML document starts here; the file must hold one");
}

}  // namespace

YAML::Node parse_yaml(const std::string& raw_text, const std::string& file) {
  const std::string text = normalise_line_breaks(raw_text);
  check_characters(text, file);
  check_one_document(text, file);
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    invalid_yaml(e, file);
  }
}

YamlMap root_map(const YAML::Node& root, const std::string& file, const KeyTable& table) {
  if (!root.IsMap())
    throw InputError(position(file, root), "",
                     root.IsNull() ? "the file is empty" : "expected a YAML mapping at the top");
  return {root, file, "", &table};
}

namespace {

/// A read that does not match its key table is a bug in the parser, not a user mistake: main
/// reports it as an internal error (exit 70).
[[noreturn]] void internal_error(const std::string& what) { throw std::logic_error(what); }

}  // namespace

SourcePos YamlMap::pos() const { return position(file, node); }

SourcePos YamlMap::pos(const std::string& key) const {
  const YAML::Node value = get(key);
  if (!value) return pos();
  // An alias (`usd: *x`) shares its node, and so its position, with the anchor, which YAML
  // requires earlier in the file: a value that seems to precede its own key came through an
  // alias, and the key's line is where the user wrote it.
  for (const auto& item : node) {
    if (!item.first.IsScalar() || item.first.Scalar() != key) continue;
    const YAML::Mark k = item.first.Mark(), v = value.Mark();
    if (v.line < k.line || (v.line == k.line && v.column < k.column))
      return position(file, item.first);
    break;
  }
  return position(file, value);
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
  const YAML::Node value = self[key];
  // A missing key gives yaml-cpp's "zombie" node, whose every accessor but IsDefined() throws
  // InvalidNode (found by fuzzing: a GPU table without `gpus`); an undefined node answers.
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
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
      throw InputError(at, field(printable(key)), "unknown key" + hint);
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
      throw InputError(at, field, "out of range, got " + quote(text));
    throw InputError(at, field, "expected a number, got " + quote(text));
  }
  if (!std::isfinite(value)) throw InputError(at, field, "must be finite, got " + quote(text));
  return value;
}

std::optional<double> YamlMap::number(const std::string& key) const {
  const Key& k = spec(key);
  if (!has(key)) {
    if (k.required) missing(key);
    return std::nullopt;
  }
  const double value = number_at(get(key), file, field(key));
  const std::string text = printable(get(key).Scalar());
  if (k.range == Range::kPositive && value <= 0) fail(key, "must be > 0, got " + text);
  if (k.range == Range::kNonNegative && value < 0) fail(key, "must be >= 0, got " + text);
  if (k.min && value < *k.min) fail(key, "must be >= " + yaml_number(*k.min) + ", got " + text);
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

std::vector<std::pair<std::string, SourcePos>> YamlMap::names(const std::string& key) const {
  if (spec(key).type != KeyType::kNameOrList) internal_error(field(key) + " is not a name-or-list key");
  if (!has(key)) {
    if (spec(key).required) missing(key);
    return {};
  }
  const YAML::Node value = get(key);
  if (value.IsScalar() && !value.Scalar().empty()) return {{value.Scalar(), pos(key)}};
  if (!value.IsSequence() || value.size() == 0)
    fail(key, "expected a name or a non-empty list of names");
  const auto folded = [](std::string text) {  // names match case-insensitively, as find_gpu does
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::vector<std::pair<std::string, SourcePos>> out;
  for (const YAML::Node& item : value) {
    const SourcePos at = position(file, item);
    if (!item.IsScalar() || item.Scalar().empty())
      throw InputError(at, field(key), "expected a list of names");
    for (const auto& [name, _] : out)
      if (folded(name) == folded(item.Scalar()))
        throw InputError(at, field(key), quote(item.Scalar()) + " is listed twice");
    out.emplace_back(item.Scalar(), at);
  }
  return out;
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
  fail(key, "expected true or false, got " + quote(text));
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
  return c ? " (did you mean " + quote(*c) + "?)" : "";
}

std::string quote(const std::string& text) { return "'" + printable(text) + "'"; }

std::string join_choices(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

}  // namespace scaleplan
