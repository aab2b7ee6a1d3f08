#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace shoal::swarm {

// The whole content of a file; throws util::Error naming the file.
std::string read_file(const std::filesystem::path& path);

// Replaces `path` with `contents` through a temporary file and a rename, so a
// reader (or a process killed mid-write) sees the old file or the new one,
// never half of one. The file is created with mode 0600 from the start: it
// may hold a private key, which must never be readable by others, not even
// for a moment.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

} // namespace shoal::swarm
