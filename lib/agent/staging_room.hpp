#pragma once

#include "swarm/swarm_session.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace shoal::agent {

// What the agent will download into its staging directory.
struct Download {
    std::uint64_t bytes = 0;
    std::size_t files = 0;
};

// The wanted files of the swarm, whole: what the staging directory must hold.
Download download_of(const std::vector<swarm::FileProgress>& files);

// Whether `download` fits in `free_bytes` plus what the staging directory
// holds already (`staged_bytes`: a resumed download reuses it), each file
// taking whole blocks.
bool fits(const Download& download, std::uint64_t free_bytes, std::uint64_t staged_bytes);

// Checks that the file system holding `staging` (the pinned directory; its
// messages say `shown`) has room for `download`, before a byte of it arrives. Throws util::Error
// quoting strerror(ENOSPC) (the controller then tries no direct copy: it would fail the same way)
// when it has not: a download that fills it would kill the agent (libtorrent writes through memory
// maps, and a full file system turns a write into SIGBUS).
void check_staging_room(const std::filesystem::path& staging, const std::filesystem::path& shown,
                        const Download& download);

} // namespace shoal::agent
