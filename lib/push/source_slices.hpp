#pragma once

#include "swarm/torrent_builder.hpp"

#include <set>
#include <string>
#include <vector>

namespace shoal::push {

// Splits the torrent's pieces among the hosts the deployer feeds directly,
// so that each piece leaves the deployer once per group: host k fetches only
// slice k there, and the hosts of its group (`groups[k]`: the plan's zone,
// whose hosts trade among themselves but not with other zones) swap the rest
// among themselves. The deployer serves each slice from its own session
// (swarm::SwarmOptions::slice_pieces).
//
// A piece goes to the least loaded host (in bytes) of those that download its
// file, so slices are about equal and interleaved piece by piece: every host
// has something to pass on from the first second. `wanted[k]` names the files
// host k downloads. The slices together cover the whole torrent: a file none
// of them wants goes to the least loaded host anyway, which offers it to
// whoever is given every slice (a host whose peers failed). Each group's
// slices together cover the whole torrent.
std::vector<std::vector<int>> slice_pieces(const swarm::PieceLayout& layout,
                                           const std::vector<std::set<std::string>>& wanted,
                                           const std::vector<std::size_t>& groups);

} // namespace shoal::push
