#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::plan {

// The swarm model shared by the simulator and the tests: besides its plan
// parents and children, every host trades pieces with a few random hosts of
// its own rack, as BitTorrent peers on one LAN do. Pieces thus cross a rack's
// or site's boundary only on plan edges, while inside a rack the upload work
// spreads over all hosts instead of resting on the tree's inner nodes.
//
// Returns, per Plan::hosts entry, its rack peers (symmetric, without itself):
// the other tree children of its tree parent in its rack, and random ones.
// Racks of at most peers_per_host + 1 hosts are fully meshed. Deterministic.
std::vector<std::vector<std::size_t>> rack_mesh(const Plan& plan, std::size_t peers_per_host);

} // namespace shoal::plan
