// `scaleplan init`: the starter budget, written from the key table (cmd_init.cpp, key_table.cpp).

#include <catch2/catch.hpp>

#include "cli_runner.hpp"
#include "scaleplan/io/budget_yaml.hpp"

using scaleplan::test::run_scaleplan;

TEST_CASE("init: a starter budget plans from an empty directory", "[init][cli]") {
  const auto r = run_scaleplan(
      "init --gpu A100-80GB --usd 5e4 -o b.yaml && '" SCALEPLAN_BINARY "' plan b.yaml");
  CHECK(r.rc == 0);
  CHECK(r.out.find("x A100-80GB") != std::string::npos);
  CHECK(r.out.find("$50k") != std::string::npos);
  CHECK(r.err == "scaleplan: wrote b.yaml; plan it with `scaleplan plan b.yaml`\n");
}

TEST_CASE("init: the starter plans exactly like a budget of only its required keys",
          "[init][cli]") {
  // Every key written at its default must mean what leaving it out means.
  const auto starter = run_scaleplan("init | '" SCALEPLAN_BINARY "' plan - --format json");
  const auto minimal = run_scaleplan(
      "plan b.yaml --format json",
      {{"b.yaml", "budget: {usd: 1e5}\nhardware: {gpu: H100-SXM, max_count: 64}\n"}});
  REQUIRE(starter.rc == 0);
  CHECK(starter.out == minimal.out);
  for (const char* kind : {"--gpu-hours 2e4", "--flops 1e21"}) {
    INFO(kind);
    const auto r = run_scaleplan(std::string("init --gpu a100 ") + kind + " | '" SCALEPLAN_BINARY
                                 "' plan - --format json");
    CHECK(r.rc == 0);
    CHECK(r.out.find("\"gpu\": \"A100-80GB\"") != std::string::npos);
  }
}

TEST_CASE("init: every optional key is in the starter, written out or commented", "[init]") {
  const auto r = run_scaleplan("init");
  REQUIRE(r.rc == 0);
  for (const scaleplan::Key& section : scaleplan::budget_keys().keys) {
    INFO(section.name);
    CHECK(r.out.find(section.name + ":") != std::string::npos);
    if (!section.table) continue;
    for (const scaleplan::Key& k : section.table->keys) {
      INFO(k.name);
      CHECK(r.out.find(" " + k.name + ":") != std::string::npos);
    }
  }
}

TEST_CASE("init: bad options exit 2 and an existing file is kept", "[init][cli]") {
  auto r = run_scaleplan("init -o b.yaml; cat b.yaml", {{"b.yaml", "mine\n"}});
  CHECK(r.out == "mine\n");
  CHECK(r.err == "scaleplan: b.yaml: already exists; remove it or give another -o\n");
  CHECK(run_scaleplan("init --usd 1e5 --flops 1e21").rc == 2);
  CHECK(run_scaleplan("init --usd -5").rc == 2);
  r = run_scaleplan("init --gpu H1000");
  CHECK(r.rc == 2);
  CHECK(r.err == "scaleplan: --gpu: unknown GPU 'H1000' (did you mean 'H100'?); `scaleplan gpus` "
                 "lists them\n");
}
