#pragma once
/// Training runs for `scaleplan fit`: a CSV with a header, columns found by name (params, tokens,
/// loss; optional flops, run, step, seed, weight), and the row filters of --exclude/--holdout.

#include <optional>
#include <string>
#include <vector>

namespace scaleplan {

/// One row: a (final or intermediate) checkpoint of one run.
struct RunRow {
  double params = 0, tokens = 0, loss = 0;
  std::optional<double> flops, step, seed;
  double weight = 1;
  std::string run;  ///< run id; rows without a `run` column are each their own run
  int line = 0;     ///< 1-based line in the file
};

struct RunsTable {
  std::string file;
  std::vector<RunRow> rows;
};

/// Parses CSV text; throws InputError `FILE:LINE: column: what is wrong`.
RunsTable parse_runs_csv(const std::string& text, const std::string& file);

/// Keeps the last checkpoint of each run: the largest `step`, else the largest `tokens`.
std::vector<RunRow> final_checkpoints(const std::vector<RunRow>& rows);

/// `COLUMN OP NUMBER`, OP one of < <= > >= == != (e.g. `loss>=3.4`, `flops>1e21`).
struct RowFilter {
  std::string column, op;
  double value = 0;
  std::string text;
};
/// Parses a filter; throws InputError naming `option` (e.g. "--exclude").
RowFilter parse_row_filter(const std::string& expr, const std::string& option);
bool matches(const RowFilter& filter, const RunRow& row);

}  // namespace scaleplan
