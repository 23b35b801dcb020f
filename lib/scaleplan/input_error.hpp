#pragma once
/// The one error type for user mistakes: thrown by the parsers and validators, caught once in
/// main, printed as `FILE:LINE:COL: FIELD: message`.

#include <stdexcept>
#include <string>

namespace scaleplan {

/// Process exit codes (the contract documented in README.md). kInternalError is sysexits.h's
/// EX_SOFTWARE: a bug in scaleplan, reported as one line instead of an abort.
enum class ExitCode : int {
  kOk = 0,
  kCheckFailed = 1,
  kBadInput = 2,
  kInfeasible = 3,
  kInternalError = 70
};

/// Position of a value in an input file; line and column are 1-based, 0 when unknown.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

class InputError : public std::runtime_error {
 public:
  InputError(SourcePos pos, std::string field, const std::string& message)
      : std::runtime_error(format(pos, field, message)), pos_(std::move(pos)),
        field_(std::move(field)) {}
  const SourcePos& pos() const { return pos_; }
  const std::string& field() const { return field_; }

  /// `FILE:LINE:COL: FIELD: message`, leaving out the parts that are unknown.
  static std::string format(const SourcePos& pos, const std::string& field,
                            const std::string& message) {
    std::string out = pos.file.empty() ? "" : pos.file + ":";
    if (pos.line > 0) out += std::to_string(pos.line) + ":";
    if (pos.column > 0) out += std::to_string(pos.column) + ":";
    if (!out.empty()) out += " ";
    if (!field.empty()) out += field + ": ";
    return out + message;
  }

 private:
  SourcePos pos_;
  std::string field_;
};

/// A valid budget that no run can meet; names the constraints.
class InfeasibleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scaleplan
