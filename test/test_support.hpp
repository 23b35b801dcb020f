#pragma once
// Helpers shared by the unit tests.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace scaleplan::test {

/// Path of a file under ../shared (SCALEPLAN_SHARED_DIR), or "" when shared/ is absent; tests
/// that need it call SKIP_WITHOUT_SHARED first.
inline std::string shared_path(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(SCALEPLAN_SHARED_DIR) / relative;
  return std::filesystem::exists(p) ? p.string() : "";
}

inline std::string source_path(const std::string& relative) {
  return (std::filesystem::path(SCALEPLAN_SOURCE_DIR) / relative).string();
}

}  // namespace scaleplan::test

/// Catch2 2.13 has no SKIP: warn and return, so the test passes with a visible message.
#define SKIP_WITHOUT_SHARED(path)                                                          \
  if ((path).empty()) {                                                                    \
    WARN("skipped: shared/ reference data not found at " SCALEPLAN_SHARED_DIR             \
         " (configure with -DSCALEPLAN_SHARED_DIR=...)");                                  \
    return;                                                                                \
  }
