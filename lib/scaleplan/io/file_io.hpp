#pragma once
/// The one input reader and the one output writer: every file scaleplan reads or writes goes
/// through here, so the rules below hold for every command (docs/output.md, "Files").

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scaleplan {

/// Inputs larger than this are refused (a runs CSV of a million rows is ~50 MB), so that
/// `plan /dev/zero` ends with a message instead of exhausting memory.
inline constexpr std::size_t kMaxInputBytes = std::size_t{256} << 20;

/// Reads a whole file ("-" is stdin). Throws InputError naming the file with the system's
/// reason ("cannot read: Is a directory", "cannot read: Permission denied", "cannot read:
/// standard input is closed"). Remembers which file it was (device and inode), so that no
/// output of the same run can replace it.
std::string read_input(const std::string& path);
/// The name errors use for `path` ("<stdin>" for "-").
std::string display_name(const std::string& path);

/// The outputs of one command, written whole or not at all. `stage` checks each path and
/// writes its content to a temporary file beside the target; `commit` renames them all into
/// place once every output is staged, so a failing second output leaves no first one.
/// Destroyed without commit, it removes what it staged.
///
/// Rules for a path (each refusal is an InputError naming the path, exit 2):
///  - the same file (device and inode) as an input of this run: refused;
///  - a regular file or a new name: replaced atomically (temporary file + rename), keeping
///    the old file's permissions;
///  - a symbolic link: followed; its target is replaced and the link kept;
///  - a character device or a FIFO (/dev/null, /dev/stdout, a named pipe): written through,
///    never replaced;
///  - a directory, block device or socket, or a link to a missing file: refused.
class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  ~OutputFiles();

  void stage(const std::string& path, std::string_view content);
  void commit();

 private:
  struct Staged {
    std::string path;     ///< as given, for messages
    std::string target;   ///< the file to replace or write through (symbolic links resolved)
    std::string tmp;      ///< the temporary file beside `target`; empty when written through
    std::string content;  ///< kept only for outputs written through
  };
  std::vector<Staged> staged_;
};

/// One output file (an OutputFiles with one path).
void write_file_atomically(const std::string& path, std::string_view content);

/// Writes a command's results to standard output and checks that they arrived: a full disk, a
/// closed stdout or a reader that went away is an InputError ("<stdout>: cannot write results:
/// No space left on device"), never a silent exit 0.
void write_stdout(std::string_view text);

/// Call first in main: a standard stream the caller closed (`<&-`, `>&-`) is held open on
/// /dev/null in the wrong direction, so no file opened later takes its number (results meant
/// for stdout would land in it) and using it fails: reading "-" then says "standard input is
/// closed", write_stdout "standard output is closed".
void reserve_standard_streams();

/// Lower-case hex SHA-256 of `data` (OpenSSL's EVP interface).
std::string sha256_hex(std::string_view data);

}  // namespace scaleplan
