#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal::plan {

// How many peers one host feeds at first (`--fanout`): K-1 in its own rack,
// where the rack's mesh shares the uploads, plus one in another rack or site.
// 4 keeps racks shallow (3 children per host: 1,000 hosts in 7 levels) and
// leaves each host one outside stream at its full link; more buys little
// depth, since a level costs only one piece time, and tempts the planner into
// hosts feeding several racks at once. At least 3, or a rack's own tree would
// be a chain.
inline constexpr unsigned default_fanout = 4;

struct PlanOptions {
    unsigned fanout = default_fanout;
    // Sites with more needing hosts than this (and at least two racks) are
    // entered by two hosts. A 4-ary tree of 1024 hosts is already 5 levels
    // deep; past that a second entry takes a level off every host of the site
    // and halves the hosts stalled by one slow entry, at the price of the
    // site's uplink carrying its bytes twice.
    std::size_t two_entry_site_hosts = 1024;
    // The swarm's piece size; the estimate charges one piece per wave.
    std::uint64_t piece_size = 4ULL << 20;
};

} // namespace shoal::plan
