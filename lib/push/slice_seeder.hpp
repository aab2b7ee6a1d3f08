#pragma once

#include "swarm/endpoint.hpp"
#include "swarm/swarm_session.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace shoal::push {

// The deployer's part of a push's swarm: the torrent split into slices
// (push::slice_pieces), each served by its own session on its own endpoint,
// so that the host given slice k fetches only those pieces here. Together
// the sessions serve every piece: a host given all endpoints can fetch
// anything.
class SliceSeeder {
public:
    // `common` has the torrent, files, certificate and limits (its upload
    // limit is the deployer's in all, shared out by slice_upload_limit);
    // `wanted[k]` names the files the host fetching slice k downloads,
    // `groups[k]` the group whose slices together hold every piece
    // (push::slice_pieces). Returns once every session is ready to serve;
    // throws util::Error, naming the slices that are not, if that takes
    // longer than `ready_timeout`.
    SliceSeeder(const swarm::SwarmOptions& common, const std::vector<swarm::Endpoint>& endpoints,
                const std::vector<std::set<std::string>>& wanted,
                const std::vector<std::size_t>& groups,
                std::chrono::milliseconds ready_timeout = std::chrono::seconds(30));

    // Handles what every session reported, waiting up to `max_wait` in all.
    // Throws util::Error, naming the staged NARs, when a session fails (e.g.
    // a staged file vanished).
    void poll(std::chrono::milliseconds max_wait);

private:
    std::vector<std::unique_ptr<swarm::SwarmSession>> sessions_;
    std::vector<swarm::Endpoint> endpoints_;
    std::string files_; // the staged NARs, for messages
};

// What each of `slices` sessions may upload so that together they stay within
// `total` bytes/s (0: no limit), rounded up. libtorrent limits a session, not
// a process, so a slice whose host has it all leaves its share unused.
std::uint64_t slice_upload_limit(std::uint64_t total, std::size_t slices);

} // namespace shoal::push
