#pragma once
/// Strict reading of YAML input: positions for every error, no unknown or duplicate keys, only
/// finite numbers. yaml-cpp alone accepts all three silently.

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "scaleplan/input_error.hpp"
#include "scaleplan/io/key_table.hpp"
#include "scaleplan/io/file_io.hpp"  // read_input, display_name
#include "scaleplan/text.hpp"        // printable

namespace scaleplan {

/// Parses YAML text holding one document; a syntax error becomes an InputError at its line and
/// column. Stricter than yaml-cpp: the text must be UTF-8 without control characters (YAML 1.2,
/// 5.1: tab, LF and CR only), a second document (`---`) is an error at its line, and nesting
/// deeper than yaml-cpp's limit is named as such. Bare CRs and CRLFs end lines, as in YAML.
YAML::Node parse_yaml(const std::string& text, const std::string& file);

/// A YAML map being read against its key table (key_table.hpp), with the file name and the
/// dotted path of the map ("hardware"). Every read checks the key's type and constraint as the
/// table states them, so the parser and the JSON Schema agree.
struct YamlMap {
  YAML::Node node;
  std::string file;
  std::string path;
  const KeyTable* table = nullptr;  ///< the keys this map may hold

  SourcePos pos() const;
  SourcePos pos(const std::string& key) const;
  std::string field(const std::string& key) const;  ///< "hardware.gpu"
  bool has(const std::string& key) const;
  YAML::Node get(const std::string& key) const;
  const Key& spec(const std::string& key) const;  ///< the table's entry; aborts when absent

  /// Rejects keys outside the table (with a did-you-mean, else the list of valid keys) and
  /// duplicated keys, then missing required keys and broken one-of groups, in table order.
  void check_keys() const;
  /// A nested map read against its own table (error if the value is not a map).
  YamlMap map(const std::string& key) const;

  /// Each read returns nullopt for an absent key (an error when the table marks it required)
  /// and checks the value against the table: finite, the sign, the upper bound, whole numbers.
  std::optional<double> number(const std::string& key) const;
  std::optional<int> integer(const std::string& key) const;
  std::optional<long long> long_integer(const std::string& key) const;
  /// A string, or for a kChoice key one of its choices (else an error listing them).
  std::optional<std::string> string(const std::string& key) const;
  std::optional<bool> boolean(const std::string& key) const;  ///< a kBool key: true or false
  /// A kNameOrList key: one name, or the names of a non-empty list of distinct names (each
  /// with its own position, for errors about one of them); empty when the key is absent.
  std::vector<std::pair<std::string, SourcePos>> names(const std::string& key) const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  /// The error for a required key that is absent (Key::missing, or "missing").
  [[noreturn]] void missing(const std::string& key) const;
};

/// A map at the document root of `file` with the keys of `table`; errors if the document is
/// not a map.
YamlMap root_map(const YAML::Node& root, const std::string& file, const KeyTable& table);

/// Reads a number from a scalar node (finite); the error names `field`.
double number_at(const YAML::Node& node, const std::string& file, const std::string& field);

/// The candidate closest to `word` by edit distance, if close enough to suggest.
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates);
/// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
/// "a, b or c".
std::string join_choices(const std::vector<std::string>& choices);

SourcePos position(const std::string& file, const YAML::Node& node);

/// A scalar's text for a message: printable(), quoted.
std::string quote(const std::string& text);

}  // namespace scaleplan
