#pragma once

#include "plan/fleet.hpp"
#include "plan/path_set_pool.hpp"
#include "plan/plan.hpp"
#include "plan/plan_options.hpp"

#include <cstddef>
#include <vector>

namespace shoal::plan {

enum class Role { member, rack_entry, zone_entry };

// One needing host in the topology tree.
struct TreeNode {
    std::size_t host = 0; // index into Fleet::hosts
    Role role = Role::member;
    std::size_t zone = 0; // a site, or half of a very large one (see topology.hpp)
    std::size_t rack = 0; // numbered across all zones
    std::size_t tree_parent = source_node;
    unsigned tree_depth = 0;
    // What the host downloads: its needs, or the union of its zone's or
    // rack's needs for an entry, which relays them.
    PathSetId receives = PathSetPool::empty_set;
};

struct Tree {
    std::vector<TreeNode> nodes; // parents before children
    std::size_t zones = 0;
    std::size_t racks = 0;
};

// The topology tree over the hosts with non-empty `needs` (one set per
// Fleet::hosts entry): racks fan out among themselves with K-1 children per
// host, and every rack and site hangs off one free slot elsewhere (see
// docs/planning.md).
Tree build_tree(const Fleet& fleet, const std::vector<PathSetId>& needs, PathSetPool& sets,
                const PlanOptions& options);

} // namespace shoal::plan
