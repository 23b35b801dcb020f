#include "scaleplan/text.hpp"

#include <catch2/catch.hpp>

using scaleplan::wrap;

TEST_CASE("text: wrap breaks at spaces within the width and indents continuation lines",
          "[text]") {
  CHECK(wrap("short", 4, 100) == "short");
  // The cell starts at column 4 of a 30-column table: 26 columns of text per line.
  CHECK(wrap("one two three four five six seven eight", 4, 30) ==
        "one two three four five\n    six seven eight");
  const std::string long_word(40, 'x');
  CHECK(wrap(long_word + " y", 4, 30) == long_word + "\n    y");  // never split inside a word
  CHECK(wrap("", 4, 30).empty());
}
