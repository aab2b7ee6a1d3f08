#pragma once

#include "inventory/inventory.hpp"

#include <string>
#include <vector>

namespace shoal::inventory {

// Which hosts of an inventory a command works on. A host is selected when it
// matches any of the patterns, is in every group and has every tag listed.
// No filter at all selects every host.
struct Selection {
    // `{}` lets callers name only the filters they use: {.groups = {"web"}}.
    std::vector<std::string> host_patterns{}; // shell globs on host names (fnmatch)
    std::vector<std::string> groups{};
    std::vector<std::string> tags{};

    bool empty() const { return host_patterns.empty() && groups.empty() && tags.empty(); }
};

// The selected hosts, in inventory order. Throws util::UsageError for a
// pattern that matches no host of the inventory, a group the inventory does
// not define, a tag no host has, or filters that together leave no host.
std::vector<Host> select_hosts(const Inventory& inventory, const Selection& selection);

} // namespace shoal::inventory
