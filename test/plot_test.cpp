// The plots the CLI draws are real files of the promised size (gnuplot must be installed).

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>

#include "cli_runner.hpp"
#include "test_support.hpp"

using scaleplan::test::run_scaleplan;

namespace {

std::string budget() {
  return scaleplan::test::slurp(scaleplan::test::source_path("configs/examples/h100_2m_usd.yaml"));
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

TEST_CASE("plot: frontier --plot writes a valid 900x560 SVG", "[plot]") {
  const auto r = run_scaleplan(
      "frontier b.yaml --usd 1e4:1e8 --points 9 --format csv --plot f.svg && cat f.svg >&2",
      {{"b.yaml", budget()}});
  REQUIRE(r.rc == 0);
  CHECK(r.out.rfind("usd,params,tokens,loss", 0) == 0);
  CHECK(r.err.find("<svg") != std::string::npos);
  CHECK(r.err.find("width=\"900\" height=\"560\"") != std::string::npos);
  CHECK(r.err.find("</svg>") != std::string::npos);
  CHECK(r.err.size() > 5000);
}

TEST_CASE("plot: isoflop --plot writes a valid 900x560 PNG", "[plot]") {
  const auto r = run_scaleplan("isoflop --flops 1e20,1e21,1e22 --plot i.png && cat i.png >&2");
  REQUIRE(r.rc == 0);
  REQUIRE(r.err.size() > 1000);
  CHECK(r.err.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  CHECK(r.err.compare(12, 4, "IHDR") == 0);
  CHECK(big_endian(r.err, 16) == 900);
  CHECK(big_endian(r.err, 20) == 560);
}

TEST_CASE("plot: an unknown extension is bad input and writes nothing", "[plot]") {
  const auto r = run_scaleplan("isoflop --flops 1e20 --plot i.jpg; ls");
  CHECK(r.err == "scaleplan: --plot: 'i.jpg': the file must end in .svg or .png\n");
  CHECK(r.out.find("i.jpg") == std::string::npos);
}
