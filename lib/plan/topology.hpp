#pragma once

#include "plan/fleet.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace shoal::plan {

// The hosts of one rack that need something, best parent first: fastest link,
// then most bytes needed, then name. hosts[0] is the rack's entry host.
struct RackGroup {
    std::vector<std::size_t> hosts; // indices into Fleet::hosts
};

// A site, or one half of a very large site: the unit entered from outside by
// exactly one host, racks[0].hosts[0].
struct Zone {
    std::string site;
    std::vector<RackGroup> racks;
    bool second_half = false; // the other half of `site` comes earlier
};

// Groups the hosts that need anything (`needs_bytes[i] > 0`) by site and rack.
// Larger zones and racks come first so they sit closer to the root. A site
// with more than `two_entry_site_hosts` such hosts and at least two racks is
// split into two zones of whole racks with about as many hosts each; second
// halves come last, so that other sites exist to enter them from.
std::vector<Zone> group_by_topology(const Fleet& fleet,
                                    const std::vector<std::uint64_t>& needs_bytes,
                                    std::size_t two_entry_site_hosts);

} // namespace shoal::plan
