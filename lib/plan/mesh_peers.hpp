#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::plan {

// The swarm's mesh, shared by the simulator and `shoal push`: besides its
// plan parents and children, every host trades pieces with other hosts of
// its zone, as BitTorrent peers do. Pieces thus leave a zone only on plan
// edges, while inside it the upload work spreads over all hosts instead of
// resting on the tree's inner nodes.
//
// Labels only bias the choice: each host meets its rack's hosts up to
// `rack_neighbours_each_side` places away on either side in a ring of its
// rack, the host at its place in the next rack of its zone (mostly the same
// site), and the host half its zone away (in a fleet of several sites, mostly
// another one), plus the other tree children of its tree parent in its zone.
//
// Returns, per Plan::hosts entry, its mesh peers (symmetric, without itself,
// sorted). Deterministic.
std::vector<std::vector<std::size_t>> mesh_peers(const Plan& plan,
                                                 std::size_t rack_neighbours_each_side);

} // namespace shoal::plan
