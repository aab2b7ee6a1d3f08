#pragma once

#include "plan/fleet.hpp"
#include "plan/plan.hpp"
#include "plan/tree.hpp"

#include <vector>

namespace shoal::plan {

// Walks the tree breadth-first and decides who sends each host what: its
// tree parent whatever that receives, then holders in its zone for the rest,
// falling back to the zone's entry; a zone's entry takes the rest from
// whoever receives it in the lowest wave, or from @source, which thus sends
// every path once. Returns the planned hosts
// in that order, parents first, with their waves and shares.
std::vector<PlannedHost> assign_shares(const Fleet& fleet, const Tree& tree, PathSetPool& sets,
                                       unsigned fanout);

} // namespace shoal::plan
