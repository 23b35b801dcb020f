#pragma once
/// Training runs for `scaleplan fit`: a CSV with a header (RFC 4180: quoted fields, doubled
/// quotes, CRLF; a UTF-8 byte-order mark is skipped), columns found by name (params, tokens and
/// the loss column are required; flops, run, step, seed, weight, unique_tokens are read; any
/// other column is kept as metadata), and the row filters of --exclude / --holdout / --group.

#include <optional>
#include <string>
#include <vector>

namespace scaleplan {

/// One row: a (final or intermediate) checkpoint of one run.
struct RunRow {
  double params = 0, tokens = 0, loss = 0;
  std::optional<double> flops, step, seed, unique_tokens;
  double weight = 1;
  std::string run;                ///< run id; rows without a `run` column are each their own run
  std::string group;              ///< the --joint group (set by the caller; "" without)
  int line = 0;                   ///< 1-based line in the file where the row starts
  std::vector<std::string> meta;  ///< the values of RunsTable::meta_columns
};

struct RunsTable {
  std::string file;
  std::vector<std::string> columns;       ///< the header, in file order
  std::vector<std::string> meta_columns;  ///< the columns kept as metadata
  std::string loss_column = "loss";
  bool has_run_column = false;
  std::vector<RunRow> rows;
};

/// The columns `fit` reads itself (besides the loss column).
const std::vector<std::string>& known_run_columns();

/// Parses CSV text; the loss is read from `loss_column`. Throws InputError
/// `FILE:LINE: column: what is wrong`.
RunsTable parse_runs_csv(const std::string& text, const std::string& file,
                         const std::string& loss_column = "loss");

/// Keeps the last checkpoint of each run: the largest `step`, else the largest `tokens`.
std::vector<RunRow> final_checkpoints(const std::vector<RunRow>& rows);

/// `COLUMN OP VALUE`, OP one of < <= > >= == != (e.g. `loss>=3.4`, `flops>1e21`,
/// `dataset==c4`). COLUMN is any column of the file, or `tokens_per_param` (D / N) or `flops`
/// (6 N D without a flops column). VALUE is a finite number, or for == and != a string.
struct RowFilter {
  std::string column, op;
  double value = 0;
  std::string string_value;  ///< for == / != against text
  bool numeric = true;
  std::string text;
};
/// Parses a filter; throws InputError naming `option` (e.g. "--exclude").
RowFilter parse_row_filter(const std::string& expr, const std::string& option);
/// Throws InputError naming `option` when the filter's column is not in `table`.
void check_filter_column(const RowFilter& filter, const RunsTable& table,
                         const std::string& option);
/// Whether `row` matches; throws InputError at the row when a numeric filter meets text.
bool matches(const RowFilter& filter, const RunRow& row, const RunsTable& table);

/// The value of `column` in `row` as text (numbers as the file gave them are not kept: known
/// columns are formatted), or nullopt when the table has no such column.
std::optional<std::string> cell_text(const RunsTable& table, const RunRow& row,
                                     const std::string& column);

/// `--group COLUMN=VALUE`: keep the rows whose COLUMN is VALUE (text comparison).
struct GroupSelector {
  std::string column, value;
};
GroupSelector parse_group_selector(const std::string& expr);

}  // namespace scaleplan
