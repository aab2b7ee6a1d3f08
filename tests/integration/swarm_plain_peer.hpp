#pragma once

#include "swarm/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace shoal::swarm::test {

// What an outsider got out of the swarm.
struct PlainPeerResult {
    std::uint64_t payload_downloaded = 0;
    std::uint64_t verified_bytes = 0;
};

// An ordinary libtorrent client that has the .torrent but no certificate:
// it keeps trying to download from `peers` for `duration`. Used to prove that
// the swarm gives such a client nothing.
PlainPeerResult run_plain_peer(const std::string& torrent, const std::filesystem::path& save_path,
                               const Endpoint& listen, const std::vector<Endpoint>& peers,
                               std::chrono::seconds duration);

} // namespace shoal::swarm::test
