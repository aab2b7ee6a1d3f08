#include "fleet/staging_room.hpp"

#include "ssh/remote_command.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"
#include "util/units.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sstream>

namespace shoal::fleet {
namespace {

// Each file takes whole blocks; 4 KiB is the usual size.
constexpr std::uint64_t block_bytes = 4096;

} // namespace

void check_staging_room(ssh::Session& session, const std::string& staging,
                        const Download& download) {
    const auto quoted = util::shell_quote(staging);
    // POSIX df and du: free KiB where the directory is or would be made,
    // then KiB already there (none when it does not exist yet).
    const auto result = ssh::run_remote(
        session, fmt::format("d={0}; while [ ! -d \"$d\" ]; do d=$(dirname -- \"$d\"); done; "
                             "df -Pk -- \"$d\" | awk 'NR == 2 {{ print $4 }}'; "
                             "du -sk -- {0} 2>/dev/null | cut -f1",
                             quoted));
    std::istringstream lines(result.output);
    std::uint64_t free_kib = 0;
    std::uint64_t staged_kib = 0;
    if (!result.ok() || !(lines >> free_kib)) {
        // Only a precaution: the push goes on, and a real shortage ends the
        // agent (and the host falls back to a direct copy).
        spdlog::warn("{}: cannot tell how much room {} has: {}", session.destination(), staging,
                     result.reason());
        return;
    }
    lines >> staged_kib;
    const std::uint64_t room = (free_kib + staged_kib) * 1024;
    const std::uint64_t needed = download.bytes + download.files * block_bytes;
    if (room < needed) {
        throw util::Error(fmt::format("the agent's staging directory {} has room for {} (free, "
                                      "plus what it holds), but the download needs {}: {}",
                                      staging, util::format_bytes(room), util::format_bytes(needed),
                                      std::strerror(ENOSPC)));
    }
}

} // namespace shoal::fleet
