#include "scaleplan/io/key_table.hpp"

#include <catch2/catch.hpp>

#include <functional>

#include "scaleplan/io/budget_yaml.hpp"
#include "scaleplan/io/gpus_yaml.hpp"
#include "scaleplan/io/law_yaml.hpp"
#include "scaleplan/io/run_yaml.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

/// Every key of `t` and its nested tables, as "section.key".
void all_keys(const KeyTable& t, const std::string& prefix, std::vector<std::string>& out) {
  for (const Key& k : t.keys) {
    out.push_back(prefix + k.name);
    if (k.table) all_keys(*k.table, prefix + k.name + ".", out);
  }
}

}  // namespace

TEST_CASE("key table: a table becomes a draft 2020-12 schema with its constraints", "[keys]") {
  const KeyTable inner{"inner", {{.name = "spot", .range = Range::kPositive}}, {}};
  const KeyTable t{
      "demo",
      {{.name = "n", .type = KeyType::kInteger, .unit = "GPUs", .description = "count",
        .range = Range::kPositive, .default_value = 8},
       {.name = "f", .description = "fraction", .range = Range::kNonNegative, .max = 1},
       {.name = "kind", .type = KeyType::kChoice, .choices = {"a", "b"}, .required = true},
       {.name = "price", .type = KeyType::kNumberOrMap, .range = Range::kPositive,
        .table = &inner}},
      {{.keys = {"n", "f"}}}};
  const auto s = json_schema(t, "demo file");
  CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(s["additionalProperties"] == false);
  CHECK(s["required"] == nlohmann::json::array({"kind"}));
  CHECK(s["properties"]["n"]["type"] == "integer");
  CHECK(s["properties"]["n"]["minimum"] == 1);
  CHECK(s["properties"]["n"]["maximum"] == 1e9);
  CHECK(s["properties"]["n"]["default"] == 8);
  CHECK(s["properties"]["n"]["description"] == "count (unit: GPUs)");
  CHECK(s["properties"]["f"]["minimum"] == 0);
  CHECK(s["properties"]["f"]["maximum"] == 1);
  CHECK(s["properties"]["kind"]["enum"] == nlohmann::json::array({"a", "b"}));
  CHECK(s["properties"]["price"]["oneOf"][0]["exclusiveMinimum"] == 0);
  CHECK(s["properties"]["price"]["oneOf"][1]["properties"]["spot"]["exclusiveMinimum"] == 0);
  CHECK(s["oneOf"][1]["required"] == nlohmann::json::array({"f"}));
}

TEST_CASE("key table: the parser reads through the table, constraint and message", "[keys]") {
  const KeyTable t{"demo",
                   {{.name = "n", .type = KeyType::kInteger, .range = Range::kPositive},
                    {.name = "f", .range = Range::kNonNegative, .max = 1},
                    {.name = "kind", .type = KeyType::kChoice, .choices = {"a", "b"},
                     .required = true}},
                   {}};
  const auto read = [&](const std::string& text) {
    const YamlMap m = root_map(parse_yaml(text, "t.yaml"), "t.yaml", t);
    m.check_keys();
    m.integer("n");
    m.number("f");
    m.string("kind");
  };
  CHECK_NOTHROW(read("kind: a\nn: 3\nf: 0\n"));
  CHECK_THROWS_WITH(read("n: 3\n"), "t.yaml:1:1: kind: missing (a or b)");
  CHECK_THROWS_WITH(read("kind: c\n"), "t.yaml:1:7: kind: unknown value 'c' (choose a or b)");
  CHECK_THROWS_WITH(read("kind: a\nn: 0\n"), "t.yaml:2:4: n: must be > 0, got 0");
  CHECK_THROWS_WITH(read("kind: a\nn: 1.5\n"), "t.yaml:2:4: n: must be a whole number, got 1.5");
  CHECK_THROWS_WITH(read("kind: a\nn: 2e9\n"), "t.yaml:2:4: n: must be at most 1e9, got 2e9");
  CHECK_THROWS_WITH(read("kind: a\nf: 1.5\n"), "t.yaml:2:4: f: must be <= 1, got 1.5");
  CHECK_THROWS_WITH(read("kind: a\nf: -1\n"), "t.yaml:2:4: f: must be >= 0, got -1");
  CHECK_THROWS_WITH(read("kind: a\nzzz: 1\n"),
                    "t.yaml:2:1: zzz: unknown key (valid keys: n, f, kind)");
}

TEST_CASE("key table: numbers written as people write them in YAML", "[keys]") {
  CHECK(yaml_number(4096) == "4096");
  CHECK(yaml_number(0.01) == "0.01");
  CHECK(yaml_number(5e4) == "50000");
  CHECK(yaml_number(2e6) == "2e6");
  CHECK(yaml_number(1e15) == "1e15");
  CHECK(yaml_number(2.5e-7) == "2.5e-7");
  CHECK(yaml_flow(nlohmann::json::array({"bf16", "fp8"})) == "[bf16, fp8]");
  CHECK(yaml_flow(nlohmann::json{{"max", 3e9}}) == "{max: 3e9}");
}

TEST_CASE("key table: every budget and run key is documented", "[keys][docs]") {
  const std::string budget_md = read_input(test::source_path("docs/budget.md"));
  std::vector<std::string> keys;
  all_keys(budget_keys(), "", keys);
  for (const std::string& key : keys) {
    INFO(key);
    const std::string name = key.substr(key.rfind('.') + 1);
    CHECK((budget_md.find("`" + name + "`") != std::string::npos ||
           budget_md.find("`" + name + ":`") != std::string::npos));
  }
  const std::string check_md = read_input(test::source_path("docs/check.md"));
  keys.clear();
  all_keys(run_file_keys(), "", keys);
  for (const std::string& key : keys) {
    INFO(key);
    const std::string name = key.substr(key.rfind('.') + 1);
    CHECK((check_md.find(name + ":") != std::string::npos ||
           check_md.find(name + ",") != std::string::npos ||
           budget_md.find("`" + name + "`") != std::string::npos));
  }
}

TEST_CASE("key table: defaults the table states are the ones the parser applies", "[keys]") {
  // Every key written out at the table's default reads as the same budget as a minimal file.
  const std::string minimal = "budget: {usd: 1e6}\nhardware: {gpu: H100, max_count: 64}\n";
  std::string full = "budget: {usd: 1e6}\nhardware:\n  gpu: H100\n  max_count: 64\n";
  const KeyTable& root = budget_keys();
  for (const char* section : {"hardware", "model"}) {
    if (std::string(section) != "hardware") full += std::string(section) + ":\n";
    for (const Key& k : root.key(section).table->keys)
      if (!k.default_value.is_null()) full += "  " + k.name + ": " + yaml_flow(k.default_value) + "\n";
  }
  full += "objective: " + yaml_flow(root.key("objective").default_value) + "\n";
  const Budget a = parse_budget(minimal, "a.yaml"), b = parse_budget(full, "b.yaml");
  INFO(full);
  CHECK(a.pricing == b.pricing);
  CHECK(a.spot.interruptions_per_instance_hour == b.spot.interruptions_per_instance_hour);
  CHECK(a.spot.gpus_per_instance == b.spot.gpus_per_instance);
  CHECK(a.spot.checkpoint_write_gbps == b.spot.checkpoint_write_gbps);
  CHECK(a.law == b.law);
  CHECK(a.flops_per_token == b.flops_per_token);
  CHECK(a.precisions == b.precisions);
  CHECK(a.seq_len == b.seq_len);
  CHECK(a.schedule == b.schedule);
  CHECK(a.objective == b.objective);
  CHECK(b.positions.count("model.seq_len") == 1);
}
