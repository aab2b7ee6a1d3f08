#include "plan/share_assignment.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace shoal::plan {

namespace {

// How many already placed hosts of a zone are considered as extra
// parents for paths a host's tree parent does not receive: enough to find a
// good one, few enough to keep heterogeneous fleets linear.
constexpr std::size_t coverage_candidates = 64;

struct Share {
    std::size_t node;
    PathSetId paths;
};

class ShareAssigner {
public:
    ShareAssigner(const Fleet& fleet, const Tree& tree, PathSetPool& sets, unsigned fanout)
        : fleet_(fleet), tree_(tree), nodes_(tree.nodes), sets_(sets), fanout_(fanout) {}

    std::vector<PlannedHost> assign() {
        const std::size_t zones = tree_.zones;
        placed_in_zone_.assign(zones, {});
        zone_cursor_.assign(zones, 0);
        zone_entry_.assign(zones, source_node);
        wave_.assign(nodes_.size(), 0);
        children_.assign(nodes_.size(), 0);
        holder_.assign(fleet_.paths.size(), source_node);

        std::vector<std::size_t> order(nodes_.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return nodes_[a].tree_depth < nodes_[b].tree_depth;
        });
        std::vector<std::size_t> position(nodes_.size());
        const auto position_of = [&](std::size_t n) {
            return n == source_node ? source_node : position[n];
        };

        std::vector<PlannedHost> hosts;
        for (const std::size_t n : order) {
            const auto shares = choose_shares(n);
            place(n, shares);
            position[n] = hosts.size();
            const TreeNode& node = nodes_[n];
            const HostNeeds& host = fleet_.hosts[node.host];
            PlannedHost planned{host.name,
                                host.site,
                                host.rack,
                                host.bandwidth_bps,
                                node.zone,
                                wave_[n],
                                position_of(node.tree_parent),
                                {},
                                sets_.intern(host.missing),
                                node.receives};
            for (const Share& share : shares) {
                planned.parents.push_back(
                    {position_of(share.node), share.paths, sets_.bytes(share.paths)});
            }
            hosts.push_back(std::move(planned));
        }
        return hosts;
    }

private:
    // Picks extra parents among already placed hosts of the zone (`scope`)
    // for the paths `uncovered`, largest share first; what no candidate holds
    // comes from `fallback`, the zone's entry, which receives everything its
    // zone needs.
    void cover_in_zone(const std::vector<std::size_t>& scope, std::size_t& cursor,
                       unsigned wave_limit, PathSetId uncovered, std::size_t fallback,
                       std::vector<Share>& shares) {
        while (cursor < scope.size() && children_[scope[cursor]] >= fanout_) {
            ++cursor;
        }
        while (uncovered != PathSetPool::empty_set) {
            std::size_t best = source_node;
            std::uint64_t best_bytes = 0;
            std::size_t scanned = 0;
            for (std::size_t i = cursor; i < scope.size() && scanned < coverage_candidates; ++i) {
                const std::size_t candidate = scope[i];
                if (children_[candidate] >= fanout_ || wave_[candidate] > wave_limit) {
                    continue;
                }
                ++scanned;
                const std::uint64_t bytes =
                    sets_.bytes(sets_.intersect(uncovered, nodes_[candidate].receives));
                if (bytes > best_bytes) {
                    best = candidate;
                    best_bytes = bytes;
                }
            }
            if (best == source_node) {
                shares.push_back({fallback, uncovered});
                return;
            }
            shares.push_back({best, sets_.intersect(uncovered, nodes_[best].receives)});
            uncovered = sets_.subtract(uncovered, nodes_[best].receives);
        }
    }

    // A zone entry takes each path its tree parent lacks from the placed host
    // in the lowest wave that receives it, or from the deployer when nobody
    // does yet: that is how every byte leaves the deployer once.
    void cover_from_anywhere(PathSetId uncovered, std::vector<Share>& shares) {
        std::map<std::size_t, std::vector<PathId>> by_holder;
        for (const PathId path : sets_.paths(uncovered)) {
            by_holder[holder_[path]].push_back(path);
        }
        for (auto& [node, paths] : by_holder) {
            shares.push_back({node, sets_.intern(std::move(paths))});
        }
    }

    std::vector<Share> choose_shares(std::size_t n) {
        const TreeNode& node = nodes_[n];
        const std::size_t parent = node.tree_parent;
        if (parent == source_node) {
            return {{source_node, node.receives}};
        }
        std::vector<Share> shares;
        const PathSetId from_parent = sets_.intersect(node.receives, nodes_[parent].receives);
        if (from_parent != PathSetPool::empty_set) {
            shares.push_back({parent, from_parent});
        }
        const PathSetId uncovered = sets_.subtract(node.receives, nodes_[parent].receives);
        if (uncovered == PathSetPool::empty_set) {
            return shares;
        }
        if (node.zone_entry) {
            cover_from_anywhere(uncovered, shares);
        } else {
            cover_in_zone(placed_in_zone_[node.zone], zone_cursor_[node.zone], wave_[parent],
                          uncovered, zone_entry_[node.zone], shares);
        }
        return shares;
    }

    void place(std::size_t n, const std::vector<Share>& shares) {
        const TreeNode& node = nodes_[n];
        // Waves follow the bytes: a tree parent that has nothing this host
        // needs is not one of its parents.
        unsigned wave = 1;
        for (const Share& share : shares) {
            if (share.node != source_node) {
                ++children_[share.node];
                wave = std::max(wave, wave_[share.node] + 1);
            }
        }
        wave_[n] = wave;
        for (const PathId path : sets_.paths(node.receives)) {
            if (holder_[path] == source_node || wave_[holder_[path]] > wave) {
                holder_[path] = n;
            }
        }
        placed_in_zone_[node.zone].push_back(n);
        if (node.zone_entry) {
            zone_entry_[node.zone] = n;
        }
    }

    const Fleet& fleet_;
    const Tree& tree_;
    const std::vector<TreeNode>& nodes_;
    PathSetPool& sets_;
    unsigned fanout_;
    std::vector<unsigned> wave_;
    std::vector<unsigned> children_;  // tree and extra children together
    std::vector<std::size_t> holder_; // per path: placed receiver in the lowest wave
    std::vector<std::vector<std::size_t>> placed_in_zone_;
    std::vector<std::size_t> zone_cursor_;
    std::vector<std::size_t> zone_entry_;
};

} // namespace

std::vector<PlannedHost> assign_shares(const Fleet& fleet, const Tree& tree, PathSetPool& sets,
                                       unsigned fanout) {
    return ShareAssigner(fleet, tree, sets, fanout).assign();
}

} // namespace shoal::plan
