#pragma once
/// The keys of each YAML file kind, one table per mapping: name, type, unit, meaning, constraint
/// and default. The parsers check and read every key through its table (yaml_input), `scaleplan
/// schema` prints the tables as a JSON Schema (draft 2020-12) and `scaleplan init` writes a
/// starter budget from them, so the three cannot disagree. Adding a key is one entry in a table
/// plus its read.

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scaleplan {

enum class KeyType {
  kNumber,       ///< a finite number, within `range` and `max`
  kInteger,      ///< a whole number within `range`, at most `max` (1e9 unless given)
  kString,       ///< a name or text (any scalar)
  kBool,         ///< true or false
  kChoice,       ///< one of `choices`
  kChoiceList,   ///< a non-empty list of distinct `choices`: [bf16, fp8]
  kStringList,   ///< a list of names
  kNameOrList,   ///< a name, or a non-empty list of distinct names: H100 or [H100, B200]
  kMap,          ///< a mapping with the keys of `table`
  kNumberOrMap,  ///< a number, or a mapping with the keys of `table`
  kMapList,      ///< a list (at least `min_items`) of mappings with the keys of `table`
  kPairList,     ///< a list (at least `min_items`) of [number > 0, number >= 0] rows
  kAny,          ///< kept for people to read and not checked (a fit report in a law file)
};

/// The sign a number must have.
enum class Range { kAny, kPositive, kNonNegative };

struct KeyTable;

/// One key of a mapping.
struct Key {
  std::string name{};
  KeyType type = KeyType::kNumber;
  std::string unit{};         ///< as in docs/budget.md: "USD", "hours", "tokens"; "" for names
  std::string description{};  ///< one line, in the schema and in `init`'s comments
  Range range = Range::kAny;
  std::optional<double> min{};         ///< inclusive lower bound (on top of `range`)
  std::optional<double> max{};         ///< inclusive upper bound
  std::vector<std::string> choices{};  ///< kChoice, kChoiceList
  nlohmann::json default_value{};  ///< what the parser assumes when the key is absent; null: none
  nlohmann::json example{};        ///< a value `init` writes (commented out when not required)
  bool required = false;
  std::string missing{};  ///< the whole error message when a required key is absent ("" = default)
  const KeyTable* table = nullptr;  ///< kMap, kNumberOrMap, kMapList
  /// Instead of `table`: the keys of exactly one of these (a law's constants: the file's `form`
  /// says which, and the reader sets YamlMap::table).
  std::vector<const KeyTable*> tables{};
  std::size_t min_items = 0;  ///< kMapList, kPairList
  std::size_t max_items = 0;  ///< kMapList: at most this many (0: no limit)
};

/// Exactly one of `keys` must be given. With a `noun` ("amount") the error names the mapping
/// ("budget: missing amount: give one of usd, gpu_hours or flops"), else the first key
/// ("hardware.count: missing: give count or max_count").
struct OneOf {
  std::vector<std::string> keys{};
  std::string noun{};
};

/// The keys of one mapping.
struct KeyTable {
  std::string description{};
  std::vector<Key> keys{};
  std::vector<OneOf> one_of{};

  /// The key named `name`; a read of a key missing from its table is a programmer error and
  /// aborts.
  const Key& key(std::string_view name) const;
  const Key* find(std::string_view name) const;
  std::vector<std::string> names() const;
};

/// A table holding only `names` of `from`, in that order (a run file's `hardware:`).
KeyTable subset(const KeyTable& from, const std::vector<std::string>& names,
                std::string description);

/// The JSON Schema (draft 2020-12) of a file whose top level has the keys of `root`.
nlohmann::ordered_json json_schema(const KeyTable& root, const std::string& title);

/// A starter file with every key of `root`: required keys and keys with a default written out,
/// the others commented out with an example value, each under a comment saying what it is.
/// `values` ("budget.usd" -> 5e4) replace examples and defaults; in an exactly-one-of group the
/// key given a value is the one written out (else the first). An optional mapping that has a
/// required key or group of its own (`inference:`) is commented out whole: its presence means
/// something, so it cannot be "at its default".
std::string starter_yaml(const KeyTable& root, const std::map<std::string, nlohmann::json>& values);

/// A number as people write it in YAML: 4096, 0.01, 5e4, 1e9, 2.5e-4.
std::string yaml_number(double x);

/// A JSON scalar, list or mapping as YAML flow text: 4096, wsd, [bf16, fp8], {max: 3e9}.
std::string yaml_flow(const nlohmann::json& value);

}  // namespace scaleplan
