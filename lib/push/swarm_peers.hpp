#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::push {

// Whom each planned host's agent dials: its parents in the plan (the deployer
// is plan::source_node), its siblings (hosts fed by the same tree parent) and
// a few neighbours of its rack. Parents carry the bytes down the tree;
// siblings and rack neighbours swap the pieces each got first, which lets a
// parent's uplink feed all its children at once instead of splitting it among
// them. A BitTorrent connection carries data both ways, so each pair of hosts
// appears once.
std::vector<std::vector<std::size_t>> swarm_peers(const plan::Plan& plan);

} // namespace shoal::push
