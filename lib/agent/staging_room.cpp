#include "agent/staging_room.hpp"

#include "util/error.hpp"
#include "util/units.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

namespace shoal::agent {
namespace {

// Each file takes whole blocks; 4 KiB is the usual size.
constexpr std::uint64_t block_bytes = 4096;

// What the files below `directory` take on disk, as du counts it.
std::uint64_t bytes_on_disk(const std::filesystem::path& directory) {
    std::uint64_t total = 0;
    std::error_code error;
    for (std::filesystem::recursive_directory_iterator entry(directory, error), end;
         !error && entry != end; entry.increment(error)) {
        struct stat status {};
        if (::lstat(entry->path().c_str(), &status) == 0 && S_ISREG(status.st_mode)) {
            total += static_cast<std::uint64_t>(status.st_blocks) * 512;
        }
    }
    return total;
}

} // namespace

Download download_of(const std::vector<swarm::FileProgress>& files) {
    Download download;
    for (const auto& file : files) {
        if (file.wanted) {
            download.bytes += file.size;
            ++download.files;
        }
    }
    return download;
}

bool fits(const Download& download, std::uint64_t free_bytes, std::uint64_t staged_bytes) {
    return free_bytes + staged_bytes >= download.bytes + download.files * block_bytes;
}

void check_staging_room(const std::filesystem::path& staging, const std::filesystem::path& shown,
                        const Download& download) {
    struct statvfs file_system {};
    if (::statvfs(staging.c_str(), &file_system) != 0) {
        util::throw_errno(fmt::format("statvfs {}", shown.string()));
    }
    const std::uint64_t free_bytes =
        static_cast<std::uint64_t>(file_system.f_bavail) * file_system.f_frsize;
    const std::uint64_t staged_bytes = bytes_on_disk(staging);
    if (!fits(download, free_bytes, staged_bytes)) {
        throw util::Error(fmt::format(
            "the staging directory {} has room for {} (free, plus what it holds), but the "
            "download needs {}: {}",
            shown.string(), util::format_bytes(free_bytes + staged_bytes),
            util::format_bytes(download.bytes + download.files * block_bytes),
            std::strerror(ENOSPC)));
    }
}

} // namespace shoal::agent
