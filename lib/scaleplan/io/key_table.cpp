#include "scaleplan/io/key_table.hpp"

#include <algorithm>
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
  if (value.is_object()) {
    std::string out = "{";
    for (auto it = value.begin(); it != value.end(); ++it)
      out += (it == value.begin() ? "" : ", ") + it.key() + ": " + yaml_flow(it.value());
    return out + "}";
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
  if (k.min) s["minimum"] = *k.min;
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
    case KeyType::kBool:
      s["type"] = "boolean";
      break;
    case KeyType::kChoice:
      s["enum"] = k.choices;
      break;
    case KeyType::kChoiceList: {
      // A choice of digits may be written as a number (YAML's scalar reads as text either way).
      nlohmann::json items = k.choices;
      for (const std::string& c : k.choices)
        if (!c.empty() && c.find_first_not_of("0123456789") == std::string::npos)
          items.push_back(std::stoi(c));
      s["type"] = "array";
      s["items"] = {{"enum", items}};
      s["minItems"] = 1;
      s["uniqueItems"] = true;
      break;
    }
    case KeyType::kStringList:
      s["type"] = "array";
      s["items"] = {{"type", {"string", "number"}}};
      break;
    case KeyType::kNameOrList:
      s["oneOf"] = Tree::array(
          {{{"type", {"string", "number"}}},
           {{"type", "array"}, {"items", {{"type", {"string", "number"}}}}, {"minItems", 1},
            {"uniqueItems", true}}});
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
      if (k.max_items > 0) s["maxItems"] = k.max_items;
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

namespace {

using Values = std::map<std::string, nlohmann::json>;

/// An optional mapping whose presence changes the meaning of the file.
bool opt_in(const Key& k) {
  if (k.required || !k.table) return false;
  if (!k.table->one_of.empty()) return true;
  for (const Key& child : k.table->keys)
    if (child.required) return true;
  return false;
}

/// The keys of `t` that an exactly-one-of group leaves out (all but the chosen one).
std::vector<std::string> left_out(const KeyTable& t, const std::string& path, const Values& values) {
  std::vector<std::string> out;
  for (const OneOf& group : t.one_of) {
    std::string chosen = group.keys[0];
    for (const std::string& key : group.keys)
      if (values.count(path + key)) chosen = key;
    for (const std::string& key : group.keys)
      if (key != chosen) out.push_back(key);
  }
  return out;
}

std::string comment_of(const Key& k) {
  std::string text = k.description;
  if (!k.unit.empty()) text += " (unit: " + k.unit + ")";
  if (k.type == KeyType::kChoice || k.type == KeyType::kChoiceList) {
    text += ": ";
    for (std::size_t i = 0; i < k.choices.size(); ++i) text += (i ? " | " : "") + k.choices[i];
  }
  return text;
}

/// `text` as comment lines at `pad`, wrapped at 100 columns.
std::string comment_lines(const std::string& text, const std::string& pad) {
  const std::size_t width = 100 - pad.size() - 2;
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += pad + "# " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) out += pad + "# " + line + "\n";
  return out;
}

/// Writes the keys of `t` at `indent`; `commented` comments every line out. Returns whether any
/// key was written out (not commented).
bool write_table(const KeyTable& t, const std::string& path, int indent, bool commented,
                 const Values& values, std::string& out) {
  const std::vector<std::string> skip = left_out(t, path, values);
  bool any = false;
  for (const Key& k : t.keys) {
    if (k.type == KeyType::kAny) continue;
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (indent == 0 && !out.empty()) out += "\n";  // a blank line between sections
    const std::string field = path + k.name;
    const bool in_group = std::find(skip.begin(), skip.end(), k.name) != skip.end();
    if (k.type == KeyType::kMap && k.table) {
      // A mapping: written out when it holds a key written out and is not opt-in.
      std::string body;
      const bool off = commented || opt_in(k);
      const bool written = write_table(*k.table, field + ".", indent + 2, off, values, body);
      const bool comment_out = off || !written;
      if (comment_out) {
        // Comment the body's written lines too.
        std::string again;
        write_table(*k.table, field + ".", indent + 2, true, values, again);
        body = again;
      }
      out += comment_lines(comment_of(k), pad);
      out += pad + (comment_out ? "# " : "") + k.name + ":\n" + body;
      any = any || !comment_out;
      continue;
    }
    nlohmann::json value = k.default_value;
    bool on = !value.is_null() || k.required;
    if (values.count(field)) {
      value = values.at(field);
      on = true;
    }
    if (value.is_null()) value = k.example;
    bool group_member = false;
    for (const OneOf& group : t.one_of)
      group_member = group_member ||
                     std::find(group.keys.begin(), group.keys.end(), k.name) != group.keys.end();
    if (group_member) on = !in_group;
    if (commented) on = false;
    out += comment_lines(comment_of(k), pad);
    out += pad + (on ? "" : "# ") + k.name + ":" + (value.is_null() ? "" : " " + yaml_flow(value)) +
           "\n";
    any = any || on;
  }
  return any;
}

}  // namespace

std::string starter_yaml(const KeyTable& root, const std::map<std::string, nlohmann::json>& values) {
  std::string out;
  write_table(root, "", 0, false, values, out);
  return out;
}

nlohmann::ordered_json json_schema(const KeyTable& root, const std::string& title) {
  Tree s = {{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"title", title}};
  s.update(table_schema(root));
  return s;
}

}  // namespace scaleplan
