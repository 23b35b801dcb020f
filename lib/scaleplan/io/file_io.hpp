#pragma once
/// Output files written whole or not at all, and content digests for provenance.

#include <string>
#include <string_view>

namespace scaleplan {

/// Writes `content` to a temporary file beside `path`, then renames it over `path`, so an
/// interrupted run never leaves a half-written file. Throws InputError naming `path` on failure.
void write_file_atomically(const std::string& path, std::string_view content);

/// Lower-case hex SHA-256 of `data` (OpenSSL's EVP interface).
std::string sha256_hex(std::string_view data);

}  // namespace scaleplan
