#pragma once

#include "plan/fleet.hpp"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace shoal::plan {

// A set of hosts that trade pieces freely among themselves (one swarm mesh)
// and is entered from outside by exactly one host, hosts[0]. It is either a
// site whose uplink the planner keeps to about one copy of each byte, or all
// the other hosts together, whatever their labels: where links do not differ,
// a label must not shape the tree.
struct Zone {
    std::string site;               // the separated site; empty for the open zone
    std::vector<std::size_t> hosts; // indices into Fleet::hosts, best parent first
};

// Groups the hosts that need anything (`needs_bytes[i] > 0`) into zones: one
// per site in `separated_sites`, one for all the rest. Within a zone hosts go
// fastest link first, then most bytes needed; labels only break ties, which
// keeps rack-mates next to each other, and so next to each other in the tree,
// without changing its shape. Larger zones come first.
std::vector<Zone> group_by_topology(const Fleet& fleet,
                                    const std::vector<std::uint64_t>& needs_bytes,
                                    const std::set<std::string>& separated_sites);

// The sites whose declared uplink could be the constraint: slower than all
// their needing hosts' links together (a faster uplink can never fill up).
std::set<std::string> constrained_sites(const Fleet& fleet,
                                        const std::vector<std::uint64_t>& needs_bytes);

} // namespace shoal::plan
