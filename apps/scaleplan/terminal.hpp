#pragma once
/// What the CLI needs to know about its terminal: whether a stream is one, and how wide tables
/// may be.

namespace scaleplan::cli {

bool stdout_is_terminal();
bool stderr_is_terminal();

/// Columns for tables: the terminal's width when stdout is a terminal (at least 60), else a
/// fixed 100, so what goes to files and pipes (and the golden tests) is the same everywhere.
int table_width();

}  // namespace scaleplan::cli
