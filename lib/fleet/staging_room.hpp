#pragma once

#include "ssh/session.hpp"

#include <cstdint>
#include <string>

namespace shoal::fleet {

// What the agent will download into its staging directory on a host.
struct Download {
    std::uint64_t bytes = 0;
    std::size_t files = 0;
};

// Checks, over `session`, that the file system holding `staging` on the host
// (or its nearest existing parent) has room for `download`, counting what
// `staging` holds already (a resumed download reuses it). Throws util::Error
// quoting strerror(ENOSPC) when it has not: a download that fills it would
// kill the agent (libtorrent writes through memory maps, and a full file
// system turns a write into SIGBUS), so such a host must fail before it starts.
void check_staging_room(ssh::Session& session, const std::string& staging,
                        const Download& download);

} // namespace shoal::fleet
