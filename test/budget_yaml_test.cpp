#include "scaleplan/io/budget_yaml.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

#include "scaleplan/io/yaml_input.hpp"
#include "test_support.hpp"

using namespace scaleplan;

TEST_CASE("budget_yaml: the annotated example reads every key", "[budget]") {
  const std::string path = test::source_path("configs/examples/h100_2m_usd.yaml");
  const Budget b = parse_budget(read_input(path), "h100_2m_usd.yaml");
  CHECK(b.kind == BudgetKind::kUsd);
  CHECK(b.amount == 2.0e6);
  CHECK(b.deadline_hours == 720);
  CHECK(b.gpu == "H100-SXM");
  CHECK(b.max_count == 2048);
  CHECK_FALSE(b.count.has_value());
  CHECK(b.pricing == Pricing::kOnDemand);
  CHECK(b.law == "hoffmann2022");
  CHECK(b.flops_per_token == FlopsConvention::kDetailed);
  CHECK(b.precisions == std::vector<Precision>{Precision::kBf16, Precision::kFp8});
  CHECK(b.seq_len == 4096);
  CHECK(b.unique_tokens == 1.5e13);
  CHECK(b.position_of("hardware.gpu").line == 7);
}

TEST_CASE("budget_yaml: defaults and the price map", "[budget]") {
  const Budget b = parse_budget(
      "budget: {gpu_hours: 1000}\nhardware:\n  gpu: h100\n  count: 8\n  pricing: cheapest\n"
      "  price_usd_per_gpu_hour: {on_demand: 2.5, spot: 1.1}\n",
      "b.yaml");
  CHECK(b.kind == BudgetKind::kGpuHours);
  CHECK(b.pricing == Pricing::kCheapest);
  CHECK(b.price_on_demand_usd_per_gpu_hour == 2.5);
  CHECK(b.price_spot_usd_per_gpu_hour == 1.1);
  CHECK(b.precisions == std::vector<Precision>{Precision::kBf16});
  CHECK(b.law == "besiroglu2024");  // the default (docs/laws.md)
  CHECK_FALSE(b.deadline_hours.has_value());
}

TEST_CASE("budget_yaml: every example budget parses", "[budget]") {
  int n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::source_path("configs/examples"))) {
    INFO(entry.path());
    const std::string text = read_input(entry.path().string());
    if (text.find("\nrun:") != std::string::npos) continue;  // a run file for `check`
    CHECK_NOTHROW(parse_budget(text, entry.path().string()));
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("budget_yaml: suggestions use edit distance", "[budget]") {
  CHECK(did_you_mean("hardwre", {"budget", "hardware"}) == " (did you mean 'hardware'?)");
  CHECK(did_you_mean("zzzzzz", {"budget", "hardware"}).empty());
  CHECK(join_choices({"a", "b", "c"}) == "a, b or c");
}
