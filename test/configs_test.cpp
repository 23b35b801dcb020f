#include "scaleplan/io/configs.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "cli_runner.hpp"
#include "scaleplan/io/yaml_input.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using scaleplan::test::run_scaleplan;

TEST_CASE("configs: every file in configs/examples is compiled in, with a one-line description",
          "[configs][examples]") {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::source_path("configs/examples"))) {
    ++files;
    const std::string name = entry.path().stem().string();
    INFO(name);
    const InputText in = read_file_or_example("example:" + name);
    CHECK(in.text == read_input(entry.path().string()));
    CHECK(in.name == "examples/" + name + ".yaml");
  }
  const std::vector<Example> list = examples();
  CHECK(static_cast<int>(list.size()) == files);
  for (const Example& e : list) {
    INFO(e.name);
    CHECK(e.description.size() > 20);
    CHECK(e.description.back() == '.');  // a whole sentence on the first comment line
  }
}

TEST_CASE("configs: every example runs from an empty directory", "[configs][examples][cli]") {
  for (const Example& e : examples()) {
    INFO(e.name);
    const std::string text(e.text);
    const bool run_file = text.find("\nrun:") != std::string::npos;
    // A run file's own "# Check it: scaleplan ..." line, else against the $2M budget.
    const std::string marker = "# Check it: scaleplan ";
    const std::size_t at = text.find(marker);
    const std::string own =
        at == std::string::npos
            ? ""
            : text.substr(at + marker.size(), text.find('\n', at) - at - marker.size());
    const auto r = run_scaleplan(!run_file        ? "plan example:" + e.name
                                 : !own.empty() ? own
                                                : "check example:" + e.name +
                                                      " --budget example:h100_2m_usd");
    CHECK(r.rc == 0);
    CHECK(!r.out.empty());
  }
}

TEST_CASE("configs: an unknown example is named with a suggestion", "[configs][examples][cli]") {
  const auto r = run_scaleplan("plan example:h100_2musd");
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "scaleplan: example:h100_2musd: unknown example 'h100_2musd' (did you mean "
        "'h100_2m_usd'?); `scaleplan examples` lists them\n");
  const std::vector<Example> list = examples();
  const auto budget = std::find_if(list.begin(), list.end(),
                                   [](const Example& e) { return e.name == "h100_2m_usd"; });
  REQUIRE(budget != list.end());
  CHECK(run_scaleplan("examples h100_2m_usd").out == std::string(budget->text));
}
