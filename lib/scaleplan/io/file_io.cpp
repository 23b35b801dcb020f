#include "scaleplan/io/file_io.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "scaleplan/input_error.hpp"

namespace scaleplan {
namespace {

/// A file read by this process, by identity: an output may not replace it.
struct InputFile {
  dev_t dev;
  ino_t ino;
  std::string name;
};

// Process state, touched only by the main thread (inputs are read and outputs written there).
std::vector<InputFile>& inputs_read() {
  static std::vector<InputFile> files;
  return files;
}
bool stdin_closed = false, stdout_closed = false, stdin_read = false;

std::string reason(int err) { return std::strerror(err); }

[[noreturn]] void fail(const std::string& name, const std::string& message) {
  throw InputError({name, 0, 0}, "", message);
}

/// Writes all of `data` to `fd`, retrying short writes; false with errno set on failure.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

void reserve_standard_streams() {
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free number: this one. Opened the wrong way round, so that any
    // use of it fails instead of silently reading or discarding.
    const int held = ::open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    if (held != fd && held >= 0) ::close(held);
    if (fd == STDIN_FILENO) stdin_closed = true;
    if (fd == STDOUT_FILENO) stdout_closed = true;
  }
}

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string read_input(const std::string& path) {
  const std::string name = display_name(path);
  const bool is_stdin = path == "-";
  if (is_stdin && stdin_closed) fail(name, "cannot read: standard input is closed");
  if (is_stdin && stdin_read)
    fail(name, "cannot read: standard input is already read for another argument");
  if (is_stdin) stdin_read = true;
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(name, "cannot read: " + reason(errno));
  struct Closer {
    int fd;
    bool own;
    ~Closer() {
      if (own) ::close(fd);
    }
  } closer{fd, !is_stdin};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    if (is_stdin && errno == EBADF) fail(name, "cannot read: standard input is closed");
    fail(name, "cannot read: " + reason(errno));
  }
  if (S_ISDIR(st.st_mode)) fail(name, "cannot read: " + reason(EISDIR));
  inputs_read().push_back({st.st_dev, st.st_ino, name});

  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (is_stdin && errno == EBADF) fail(name, "cannot read: standard input is closed");
      fail(name, "cannot read: " + reason(errno));
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > kMaxInputBytes)
      fail(name, "cannot read: larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB");
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

OutputFiles::~OutputFiles() {
  for (const Staged& s : staged_)
    if (!s.tmp.empty()) ::unlink(s.tmp.c_str());
}

void OutputFiles::stage(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  if (path.empty()) fail(path, "cannot write: no file name");
  struct stat st = {};
  struct stat link = {};
  const bool exists = ::stat(path.c_str(), &st) == 0;  // follows links
  const int stat_errno = errno;
  const bool is_link = ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
  if (!exists && stat_errno != ENOENT) fail(path, "cannot write: " + reason(stat_errno));
  if (!exists && is_link) fail(path, "is a symbolic link to a missing file; refusing to write");
  if (!exists) {
    // The folder the path names must exist as written: "sub/../in.yaml" with no sub/ is not a
    // file the system would open, though the canonical form below resolves ".." by text and
    // would name (and replace) in.yaml.
    const fs::path parent = fs::path(path).parent_path();
    struct stat folder = {};
    if (!parent.empty() && ::stat(parent.c_str(), &folder) != 0)
      fail(path, "cannot write: " + reason(errno));
    if (!parent.empty() && !S_ISDIR(folder.st_mode)) fail(path, "cannot write: " + reason(ENOTDIR));
  }
  if (exists) {
    // Only a regular file loses data when replaced; devices and FIFOs are written through.
    for (const InputFile& in : inputs_read())
      if (S_ISREG(st.st_mode) && in.dev == st.st_dev && in.ino == st.st_ino)
        fail(path, in.name == path
                       ? "is an input of this run; refusing to overwrite it"
                       : "is the same file as the input " + in.name + "; refusing to overwrite it");
    if (S_ISDIR(st.st_mode)) fail(path, "cannot write: " + reason(EISDIR));
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
      fail(path, "is neither a regular file, a character device nor a FIFO; refusing to write");
  }
  std::error_code ec;
  const std::string target = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
  if (ec) fail(path, "cannot write: " + ec.message());
  for (const Staged& s : staged_)
    if (s.target == target) fail(path, "is given twice as an output");

  // Devices and FIFOs (/dev/null, /dev/stdout, a named pipe) cannot be replaced, only written
  // to: that happens in commit(), before any rename.
  if (exists && !S_ISREG(st.st_mode)) {
    staged_.push_back({path, target, "", std::string(content)});
    return;
  }
  const fs::path t(target);
  static unsigned counter = 0;
  int fd = -1;
  std::string tmp;
  do {  // a fresh name beside the target, so that the rename stays on one file system
    tmp = (t.parent_path() / ("." + t.filename().string() + ".tmp." + std::to_string(::getpid()) +
                              "." + std::to_string(counter++)))
              .string();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  } while (fd < 0 && errno == EEXIST);
  if (fd < 0) fail(path, "cannot write: " + reason(errno));
  staged_.push_back({path, target, tmp, ""});    // from here the destructor removes it
  if (exists) ::fchmod(fd, st.st_mode & 07777);  // a replaced file keeps its permissions
  const bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  const int err = errno;
  if (::close(fd) != 0 && ok) fail(path, "cannot write: " + reason(errno));
  if (!ok) fail(path, "cannot write: " + reason(err));
}

void OutputFiles::commit() {
  for (const Staged& s : staged_) {
    if (!s.tmp.empty()) continue;
    const int fd = ::open(s.path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) fail(s.path, "cannot write: " + reason(errno));
    const bool ok = write_all(fd, s.content);
    const int err = errno;
    ::close(fd);
    if (!ok) fail(s.path, "cannot write: " + reason(err));
  }
  // Renames within one directory do not fail once the temporary file is written, short of the
  // directory changing under us; if one did, the outputs renamed before it would stay.
  for (Staged& s : staged_) {
    if (s.tmp.empty()) continue;
    if (std::rename(s.tmp.c_str(), s.target.c_str()) != 0)
      fail(s.path, "cannot write: " + reason(errno));
    s.tmp.clear();
  }
  staged_.clear();
}

void write_file_atomically(const std::string& path, std::string_view content) {
  OutputFiles files;
  files.stage(path, content);
  files.commit();
}

void write_stdout(std::string_view text) {
  if (stdout_closed) fail("<stdout>", "cannot write results: standard output is closed");
  if (!write_all(STDOUT_FILENO, text))
    fail("<stdout>",
         "cannot write results: " +
             (errno == EBADF ? std::string("standard output is closed") : reason(errno)));
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace scaleplan
