#include "scaleplan/io/key_table.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "scaleplan/text.hpp"

namespace scaleplan {

using Tree = nlohmann::ordered_json;

const Key* KeyTable::find(std::string_view name) const {
  for (const Key& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

const Key& KeyTable::key(std::string_view name) const {
  if (const Key* k = find(name)) return *k;
  std::cerr << "scaleplan: internal error: key '" << name << "' read but not in its key table\n";
  std::abort();
}

std::vector<std::string> KeyTable::names() const {
  std::vector<std::string> out;
  for (const Key& k : keys) out.push_back(k.name);
  return out;
}

KeyTable subset(const KeyTable& from, const std::vector<std::string>& names,
                std::string description) {
  KeyTable t{std::move(description), {}, {}};
  for (const std::string& n : names) t.keys.push_back(from.key(n));
  return t;
}

std::string yaml_number(double x) {
  std::string s = fmt("%.6g", x);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"e+0", "e"}, {"e+", "e"},
                                 {"e-0", "e-"}}) {
    const auto at = s.find(from);
    if (at != std::string::npos) s.replace(at, from.size(), to);
  }
  return s;
}

std::string yaml_flow(const nlohmann::json& value) {
  if (value.is_number()) return yaml_number(value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + yaml_flow(value[i]);
    return out + "]";
  }
  return "~";
}

namespace {

Tree table_schema(const KeyTable& t);

void add_number_constraint(const Key& k, Tree& s) {
  const bool integer = k.type == KeyType::kInteger;
  if (k.range == Range::kPositive) {
    if (integer) s["minimum"] = 1;
    else s["exclusiveMinimum"] = 0;
  } else if (k.range == Range::kNonNegative) {
    s["minimum"] = 0;
  }
  if (integer) s["maximum"] = k.max.value_or(1e9);
  else if (k.max) s["maximum"] = *k.max;
}

Tree number_schema(const Key& k) {
  Tree s = {{"type", k.type == KeyType::kInteger ? "integer" : "number"}};
  add_number_constraint(k, s);
  return s;
}

/// The mapping of `k`: its table, or exactly one of its alternatives.
Tree map_schema(const Key& k) {
  if (k.tables.empty()) return table_schema(*k.table);
  Tree alternatives = Tree::array();
  for (const KeyTable* t : k.tables) alternatives.push_back(table_schema(*t));
  return {{"oneOf", alternatives}};
}

Tree key_schema(const Key& k) {
  Tree s;
  s["description"] = k.unit.empty() ? k.description : k.description + " (unit: " + k.unit + ")";
  switch (k.type) {
    case KeyType::kNumber:
    case KeyType::kInteger:
      s.update(number_schema(k));
      break;
    case KeyType::kString:  // any scalar is read as text: `gpu: 4090` names the RTX-4090
      s["type"] = {"string", "number"};
      break;
    case KeyType::kChoice:
      s["enum"] = k.choices;
      break;
    case KeyType::kChoiceList:
      s["type"] = "array";
      s["items"] = {{"enum", k.choices}};
      s["minItems"] = 1;
      s["uniqueItems"] = true;
      break;
    case KeyType::kStringList:
      s["type"] = "array";
      s["items"] = {{"type", {"string", "number"}}};
      break;
    case KeyType::kMap:
      s.update(map_schema(k));
      s["description"] = k.description;
      break;
    case KeyType::kNumberOrMap: {
      Tree number = number_schema(k);
      number["type"] = "number";
      s["oneOf"] = Tree::array({number, table_schema(*k.table)});
      break;
    }
    case KeyType::kMapList:
      s["type"] = "array";
      s["items"] = map_schema(k);
      if (k.min_items > 0) s["minItems"] = k.min_items;
      break;
    case KeyType::kPairList:
      s["type"] = "array";
      if (k.min_items > 0) s["minItems"] = k.min_items;
      s["items"] = {{"type", "array"},
                    {"prefixItems", Tree::array({{{"type", "number"}, {"exclusiveMinimum", 0}},
                                                 {{"type", "number"}, {"minimum", 0}}})},
                    {"items", false},
                    {"minItems", 2}};
      break;
    case KeyType::kAny:
      break;
  }
  if (!k.default_value.is_null()) s["default"] = k.default_value;
  return s;
}

Tree one_of_schema(const OneOf& group) {
  Tree alternatives = Tree::array();
  for (const std::string& key : group.keys)
    alternatives.push_back({{"required", Tree::array({key})}});
  return {{"oneOf", alternatives}};
}

Tree table_schema(const KeyTable& t) {
  Tree s = {{"type", "object"}};
  if (!t.description.empty()) s["description"] = t.description;
  Tree properties = Tree::object();
  Tree required = Tree::array();
  for (const Key& k : t.keys) {
    properties[k.name] = key_schema(k);
    if (k.required) required.push_back(k.name);
  }
  s["properties"] = properties;
  s["additionalProperties"] = false;
  if (!required.empty()) s["required"] = required;
  if (t.one_of.size() == 1) {
    s.update(one_of_schema(t.one_of[0]));
  } else if (t.one_of.size() > 1) {
    Tree all = Tree::array();
    for (const OneOf& group : t.one_of) all.push_back(one_of_schema(group));
    s["allOf"] = all;
  }
  return s;
}

}  // namespace

nlohmann::ordered_json json_schema(const KeyTable& root, const std::string& title) {
  Tree s = {{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"title", title}};
  s.update(table_schema(root));
  return s;
}

}  // namespace scaleplan
