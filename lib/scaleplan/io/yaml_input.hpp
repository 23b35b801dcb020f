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
#include "scaleplan/io/file_io.hpp"  // read_input, display_name
#include "scaleplan/text.hpp"        // printable

namespace scaleplan {

/// Parses YAML text holding one document; a syntax error becomes an InputError at its line and
/// column. Stricter than yaml-cpp: the text must be UTF-8 without control characters (YAML 1.2,
/// 5.1: tab, LF and CR only), a second document (`---`) is an error at its line, and nesting
/// deeper than yaml-cpp's limit is named as such. Bare CRs and CRLFs end lines, as in YAML.
YAML::Node parse_yaml(const std::string& text, const std::string& file);

/// A YAML map being read, with the file name and the dotted path of the map ("hardware").
struct YamlMap {
  YAML::Node node;
  std::string file;
  std::string path;

  SourcePos pos() const;
  SourcePos pos(const std::string& key) const;
  std::string field(const std::string& key) const;  ///< "hardware.gpu"
  bool has(const std::string& key) const;
  YAML::Node get(const std::string& key) const;

  /// Rejects keys outside `allowed` (with a did-you-mean) and duplicated keys.
  void check_keys(const std::vector<std::string>& allowed) const;
  /// A nested map (error if the value is not a map).
  YamlMap map(const std::string& key) const;

  std::optional<double> number(const std::string& key) const;        ///< finite
  /// finite, > 0 and <= `max` (physical limits of table values, so later sums cannot overflow)
  std::optional<double> positive(const std::string& key,
                                 double max = std::numeric_limits<double>::max()) const;
  std::optional<double> non_negative(const std::string& key) const;  ///< finite, >= 0
  std::optional<int> positive_int(const std::string& key) const;
  std::optional<std::string> string(const std::string& key) const;
  /// One of `choices`, else an error listing them.
  std::optional<std::string> choice(const std::string& key,
                                    const std::vector<std::string>& choices) const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
};

/// A map at the document root of `file`; errors if the document is not a map.
YamlMap root_map(const YAML::Node& root, const std::string& file);

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
