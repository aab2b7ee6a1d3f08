#pragma once

#include "plan/fleet.hpp"
#include "plan/plan.hpp"

#include <cstdint>

namespace shoal::plan {

struct PlanOptions {
    // How many peers one host feeds at first. 4 keeps the tree shallow
    // (log4 of 10,000 hosts is under 7 levels) while each upload stream still
    // gets a quarter of a host's link; beyond ~8 a parent's uplink is split so
    // thin that a slow child holds back its whole subtree. At least 3: an
    // entry host needs one slot for its own rack, one for its site's other
    // racks and one for other sites.
    unsigned fanout = 4;
    // Sites with more needing hosts than this (and at least two racks) are
    // entered by two hosts. A 4-ary tree of 1024 hosts is already 5 levels
    // deep; past that a second entry takes a level off every host of the site
    // and halves the hosts stalled by one slow entry, at the price of the
    // site's uplink carrying its bytes twice.
    std::size_t two_entry_site_hosts = 1024;
    // The swarm's piece size; the estimate charges one piece per wave.
    std::uint64_t piece_size = 4ULL << 20;
};

// Builds the fan-out plan. Pure computation, O(hosts · distinct need sets)
// in the worst case and O(hosts + paths) for fleets with identical needs.
// Throws util::UsageError for a fanout below 3, a zero bandwidth, or a path
// id outside the catalog.
Plan make_plan(const Fleet& fleet, const PlanOptions& options);

} // namespace shoal::plan
