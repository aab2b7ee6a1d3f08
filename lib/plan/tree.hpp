#pragma once

#include "plan/fleet.hpp"
#include "plan/path_set_pool.hpp"
#include "plan/plan.hpp"
#include "plan/plan_options.hpp"
#include "plan/topology.hpp"

#include <cstddef>
#include <vector>

namespace shoal::plan {

// One needing host in the topology tree.
struct TreeNode {
    std::size_t host = 0; // index into Fleet::hosts
    bool zone_entry = false;
    std::size_t zone = 0; // index into the zones the tree was built from
    std::size_t tree_parent = source_node;
    unsigned tree_depth = 0;
    // What the host downloads: its needs, or the union of its zone's needs
    // for the zone's entry, which relays them.
    PathSetId receives = PathSetPool::empty_set;
};

struct Tree {
    std::vector<TreeNode> nodes; // parents before children
    std::size_t zones = 0;
};

// The topology tree over `zones` (each host's needs in `needs`, one set per
// Fleet::hosts entry): each zone is a breadth-first tree with K-1 children
// per host, the first zone hangs off the deployer, so does every other one
// while the deployer's uplink has room for it, and the rest off a free slot
// elsewhere (see docs/planning.md).
Tree build_tree(const Fleet& fleet, const std::vector<Zone>& zones,
                const std::vector<PathSetId>& needs, PathSetPool& sets, const PlanOptions& options);

} // namespace shoal::plan
