#pragma once
/// The command line: every subcommand and option registered on one CLI11 parser (main parses
/// with it; fuzz/fuzz_cli.cpp fuzzes it), and the validators its numeric options share.

#include <CLI/CLI.hpp>
#include <limits>
#include <memory>

#include "commands.hpp"

namespace scaleplan::cli {

/// What a command line asks for: the global options and the chosen subcommand's action.
struct Invocation {
  GlobalOptions options;
  Action action;
};

/// The parser; `app->parse(argc, argv)` fills `*invocation` (which must outlive it) or throws a
/// CLI::ParseError.
std::unique_ptr<CLI::App> make_app(Invocation* invocation);

/// A number option's check: finite (CLI11's own validators compare false on NaN and let it
/// through, and print their bounds in 309 digits) and within [lo, hi], lo itself excluded when
/// `lo_excluded`. The message quotes the value as given: "must be a number > 0, got 'nan'".
CLI::Validator finite_number(double lo, double hi = std::numeric_limits<double>::max(),
                             bool lo_excluded = false);
/// finite_number(0, max, true): a finite number > 0.
CLI::Validator positive_number();

}  // namespace scaleplan::cli
