#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::push {

// Whom each planned host's agent dials: its parents in the plan (the deployer
// is plan::source_node) and its mesh peers in its zone (plan::mesh_peers:
// siblings, hosts fed by the same tree parent; neighbours of its rack; a few
// hosts of other racks and sites). Parents carry the bytes down the tree;
// siblings and rack neighbours swap the pieces each got first, which lets a
// parent's uplink feed all its children at once instead of splitting it among
// them. A BitTorrent connection carries data both ways, so each pair of hosts
// appears once.
//
// A few hosts (the tree's roots and hosts of their zones, `sourced`) dial the
// deployer, each fetching its own slice there (push::slice_pieces), so the
// deployer's uplink is split among several streams while every byte still
// leaves it once. Any other host the plan feeds from the deployer directly
// (paths nobody upstream needs) gets those bytes relayed down the tree from
// the nearest sourced host instead.
struct SwarmRoutes {
    std::vector<std::vector<std::size_t>> peers; // per planned host; plan::source_node: deployer
    std::vector<plan::PathSetId> relays;         // paths it fetches for others, not for itself
    std::vector<std::size_t> sourced;            // hosts that dial the deployer, roots first
};
SwarmRoutes swarm_routes(plan::Plan& plan);

} // namespace shoal::push
