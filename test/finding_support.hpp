#pragma once
// The finding of a `check --format json` report by name, for tests that read one.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

namespace scaleplan::test {

/// The entry of report["findings"] named `name`; fails the test when there is none.
inline nlohmann::json finding(const nlohmann::json& report, const std::string& name) {
  for (const nlohmann::json& f : report["findings"])
    if (f["name"] == name) return f;
  FAIL("no finding " << name);
  return {};
}

}  // namespace scaleplan::test
