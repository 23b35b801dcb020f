#include "scaleplan/io/runs_csv.hpp"

#include <catch2/catch.hpp>

#include "scaleplan/input_error.hpp"

using namespace scaleplan;

namespace {

/// The InputError text parsing `text` throws ("" when it parses).
std::string error_of(const std::string& text, const std::string& loss_column = "loss") {
  try {
    parse_runs_csv(text, "runs.csv", loss_column);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("runs CSV: a spreadsheet's file reads as pandas reads it (BOM, CRLF, RFC 4180 quotes)",
          "[runs_csv]") {
  // Excel's "CSV UTF-8" starts with a byte-order mark and ends lines with CRLF; a field holding
  // a comma, a quote or a line break is quoted, and a quote inside it is doubled.
  const std::string text =
      "\xEF\xBB\xBFrun,params,tokens,loss,note\r\n"
      "\"a,1\",1e8,2e9,3.5,\"said \"\"hi\"\"\"\r\n"
      "\r\n"
      "  b  , 3e8 ,\"1e10\",  2.9 ,\"two\r\nlines\"\r\n"
      "c,+1e9,5e10,2.5,\r\n";
  const RunsTable t = parse_runs_csv(text, "runs.csv");
  REQUIRE(t.rows.size() == 3);
  CHECK(t.columns == std::vector<std::string>{"run", "params", "tokens", "loss", "note"});
  CHECK(t.meta_columns == std::vector<std::string>{"note"});
  CHECK(t.rows[0].run == "a,1");
  CHECK(t.rows[0].meta[0] == "said \"hi\"");
  CHECK(t.rows[1].run == "b");  // unquoted fields are trimmed
  CHECK(t.rows[1].tokens == 1e10);
  CHECK(t.rows[1].meta[0] == "two\r\nlines");  // a quoted field keeps its line break
  CHECK(t.rows[2].params == 1e9);
  CHECK(t.rows[2].meta[0].empty());
  // Lines are counted in the file: the blank line 3 is skipped, row 3 spans lines 4-5.
  CHECK(t.rows[0].line == 2);
  CHECK(t.rows[1].line == 4);
  CHECK(t.rows[2].line == 6);
}

TEST_CASE("runs CSV: old Mac line ends, no final newline, and an unnamed trailing column",
          "[runs_csv]") {
  const RunsTable t = parse_runs_csv("params,tokens,loss,\r1e8,1e9,3,\r2e8,1e9,2.9,", "runs.csv");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[1].params == 2e8);
  CHECK(t.rows[1].line == 3);
  CHECK(t.meta_columns.empty());
}

TEST_CASE("runs CSV: a row with an empty run id is its own run", "[runs_csv]") {
  const RunsTable t = parse_runs_csv(
      "run,params,tokens,loss\n,1e8,1e9,3\n,1e8,2e9,2.9\n"
      "a,1e9,1e9,2.5\n",
      "runs.csv");
  CHECK(t.rows[0].run == "line 2");
  CHECK(t.rows[1].run == "line 3");
  CHECK(t.rows[2].run == "a");
}

TEST_CASE("runs CSV: extra columns are metadata and any column can be the loss", "[runs_csv]") {
  const std::string text =
      "model,dataset,params,tokens,loss_c4,loss_code,loss,lr\n"
      "d96,c4,1.1e7,2.2e8,4.1,1.9,4.0,3e-3\n"
      "d512,rpj,7.9e7,1.6e9,3.5,,3.4,3e-3\n";
  const RunsTable t = parse_runs_csv(text, "runs.csv", "loss_c4");
  CHECK(t.loss_column == "loss_c4");
  CHECK(t.rows[1].loss == 3.5);
  // `loss` is not the loss column here, so it is kept with the rest (an empty cell too).
  CHECK(t.meta_columns == std::vector<std::string>{"model", "dataset", "loss_code", "loss", "lr"});
  CHECK(*cell_text(t, t.rows[1], "dataset") == "rpj");
  CHECK(cell_text(t, t.rows[1], "loss_code")->empty());
  CHECK(!cell_text(t, t.rows[1], "nope"));
  CHECK(error_of(text, "loss_cod") ==
        "runs.csv:1: loss_cod: missing column (did you mean 'loss_code'?): params, tokens and "
        "loss_cod are required, the header has model, dataset, params, tokens, loss_c4, "
        "loss_code, loss, lr");
  CHECK(error_of(text, "loss_code") ==
        "runs.csv:3: loss_code: expected a number, got '' (an "
        "empty cell)");
}

TEST_CASE("runs CSV: each malformed file gets its line and reason", "[runs_csv]") {
  const struct {
    const char* name;
    std::string text;
    const char* message;
  } cases[] = {
      {"unclosed quote", "params,tokens,loss\n1e8,\"1e9,3\n",
       "runs.csv:2: a quoted field is "
       "never closed (a \" is missing)"},
      {"text after a closing quote", "params,tokens,loss\n1e8,\"1e9\"x,3\n",
       "runs.csv:2: unexpected text after a closing quote (a quote inside a quoted field is "
       "written \"\")"},
      {"UTF-16", std::string("\xFF\xFEp\0a\0", 6),
       "runs.csv: the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in a spreadsheet)"},
      {"a NUL byte", std::string("params,tokens,loss\n1e8,1e9,3\n\0\n", 31),
       "runs.csv:3: a NUL byte: this is not a text CSV file"},
      {"duplicate column", "params,tokens,loss,params\n", "runs.csv:1: params: duplicate column"},
      {"a number too large", "params,tokens,loss\n1e8,1e400,3\n",
       "runs.csv:2: tokens: must be finite, got '1e400'"},
      {"a number too small", "params,tokens,loss\n1e-400,1e9,3\n",
       "runs.csv:2: params: must be > 0, got 1e-400"},
      {"hexadecimal", "params,tokens,loss\n0x10,1e9,3\n",
       "runs.csv:2: params: expected a number, got '0x10'"},
      {"a thousands separator", "params,tokens,loss\n\"1,000\",1e9,3\n",
       "runs.csv:2: params: expected a number, got '1,000'"},
      {"NaN weight", "params,tokens,loss,weight\n1e8,1e9,3,nan\n",
       "runs.csv:2: weight: must be finite, got 'nan'"},
      {"a long row", "params,tokens,loss\n1e8,1e9,3,4\n", "runs.csv:2: expected 3 fields, got 4"},
      {"only blank lines", "\n\r\n  \n", "runs.csv: the file is empty"},
      {"a BOM and nothing else", "\xEF\xBB\xBF", "runs.csv: the file is empty"},
      {"Latin-1 text", "params,tokens,loss,note\n1e8,1e9,3,caf\xE9\n",
       "runs.csv:2: not UTF-8 text (byte 0xE9): save the file as UTF-8 (\"CSV UTF-8\" in a "
       "spreadsheet)"},
      {"semicolons", "params;tokens;loss\n1e8;1e9;3\n",
       "runs.csv:1: the header is one column; the file seems separated by ';', not commas (save "
       "it as comma-separated values)"},
      {"tabs", "params\ttokens\tloss\n1e8\t1e9\t3\n",
       "runs.csv:1: the header is one column; the file seems separated by '\\t', not commas (save "
       "it as comma-separated values)"},
      {"different case", "Params,Tokens,Loss\n1e8,1e9,3\n",
       "runs.csv:1: params: missing column (did you mean 'Params'?): params, tokens and loss are "
       "required, the header has Params, Tokens, Loss"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(error_of(c.text) == c.message);
  }
}

TEST_CASE("runs CSV: filters on any column, tokens_per_param and flops; finite numbers only",
          "[runs_csv]") {
  const RunsTable t = parse_runs_csv(
      "params,tokens,loss,dataset,step\n1e9,2e10,2.5,c4,10\n1e9,8e10,2.3,rpj,20\n", "runs.csv");
  const auto match = [&](const std::string& f, std::size_t row) {
    const RowFilter filter = parse_row_filter(f, "--holdout");
    check_filter_column(filter, t, "--holdout");
    return matches(filter, t.rows[row], t);
  };
  CHECK(match("tokens_per_param<=40", 0));
  CHECK_FALSE(match("tokens_per_param<=40", 1));
  CHECK(match("flops>=4.8e20", 1));  // 6 N D without a flops column
  CHECK_FALSE(match("flops>=4.8e20", 0));
  CHECK(match("dataset==c4", 0));
  CHECK(match("dataset!=c4", 1));
  CHECK(match("step>15", 1));
  const auto error = [&](const std::string& f) -> std::string {
    try {
      match(f, 0);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error("loss>=nan") == "--holdout: 'loss>=nan': expected a finite number after >=");
  CHECK(error("loss<inf") == "--holdout: 'loss<inf': expected a finite number after <");
  CHECK(error("dataset>=c4") == "--holdout: 'dataset>=c4': expected a number after >=");
  CHECK(error("dataset>=3") == "runs.csv:2: dataset: 'c4' is not a number (filter 'dataset>=3')");
  CHECK(error("tokens_per_parm<=40") ==
        "--holdout: 'tokens_per_parm<=40': unknown column 'tokens_per_parm' (did you mean "
        "'tokens_per_param'?) (columns: params, tokens, loss, dataset, step, tokens_per_param or "
        "flops)");
  CHECK(error(">=3") == "--holdout: '>=3': expected COLUMN OP VALUE, e.g. 'loss>=3.4'");
}

TEST_CASE("runs CSV: --group selectors are COLUMN=VALUE", "[runs_csv]") {
  const GroupSelector g = parse_group_selector(" dataset = c4 ");
  CHECK(g.column == "dataset");
  CHECK(g.value == "c4");
  CHECK_THROWS_WITH(parse_group_selector("dataset"),
                    "--group: 'dataset': expected COLUMN=VALUE, e.g. 'dataset=c4'");
}
