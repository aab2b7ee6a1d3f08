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
//
// Only the root of the plan's tree dials the deployer. A host the plan also
// feeds from the deployer directly (paths nobody upstream needs) would fetch
// anything there, so those bytes would leave the deployer twice; instead
// every host on its way down from the root relays them.
struct SwarmRoutes {
    std::vector<std::vector<std::size_t>> peers; // per planned host; plan::source_node: deployer
    std::vector<plan::PathSetId> relays;         // paths it fetches for others, not for itself
};
SwarmRoutes swarm_routes(plan::Plan& plan);

} // namespace shoal::push
