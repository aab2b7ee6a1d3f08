#pragma once

#include "inventory/host.hpp"
#include "nix/path_info.hpp"
#include "plan/fleet.hpp"
#include "push/nar_cache.hpp"

#include <cstdint>
#include <vector>

namespace shoal::push {

// Adds one host, the paths it lacks and its site's declared uplink to the
// planner's input: the one place where inventory hosts and store paths
// become plan data.
void add_to_plan(plan::Fleet& fleet, const inventory::Host& host,
                 const std::vector<nix::PathInfo>& missing);

// Counts each path of `paths` in the fleet that `cache` holds staged as
// `compression` at its file's size, what the swarm will carry, instead of
// its NAR's; returns how many. `shoal plan` and `shoal push` both do, so
// that a plan of compressed NARs estimates the bytes the push moves.
std::size_t use_cached_sizes(plan::Fleet& fleet, const std::vector<nix::PathInfo>& paths,
                             const NarCache& cache, nix::NarCompression compression);

// The deployer's uplink for the planner: `given_bps` if the user gave one
// (non-zero), else the fastest link among the hosts that need something (as
// if the deployer were as well connected as the best of them), else among
// all. `shoal plan` and `shoal push` both ask this, so that a plan shows
// what the push will do.
std::uint64_t source_bandwidth(const plan::Fleet& fleet, std::uint64_t given_bps);

// The piece size of the push's torrent for what the fleet lacks (every path
// of `fleet.paths`), sent to every host that lacks something: the plan's
// estimates use the pieces the swarm will move.
std::uint64_t swarm_piece_size(const plan::Fleet& fleet);

} // namespace shoal::push
