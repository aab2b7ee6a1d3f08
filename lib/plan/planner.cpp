#include "plan/planner.hpp"

#include "plan/estimate.hpp"
#include "plan/topology.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <deque>
#include <fmt/format.h>
#include <map>
#include <numeric>
#include <queue>
#include <tuple>

namespace shoal::plan {

namespace {

// How many already placed hosts of a rack or site are considered as extra
// parents for paths a host's tree parent does not receive: enough to find a
// good one, few enough to keep heterogeneous fleets linear.
constexpr std::size_t coverage_candidates = 64;

enum class Role { member, rack_entry, zone_entry };

struct Node {
    std::size_t host = 0; // index into Fleet::hosts
    Role role = Role::member;
    std::size_t zone = 0;
    std::size_t rack = 0; // numbered across all zones
    std::size_t tree_parent = source_node;
    unsigned tree_depth = 0;
    PathSetId receives = PathSetPool::empty_set;
};

// Hands out a parent's tree slots first come, first served: filling the
// shallowest parents first keeps the tree breadth-first and log_K deep.
class FeederQueue {
public:
    void offer(std::size_t node, unsigned slots) {
        if (slots > 0) {
            feeders_.push_back({node, slots});
        }
    }
    std::size_t take() {
        const std::size_t node = feeders_.front().node;
        if (--feeders_.front().slots == 0) {
            feeders_.pop_front();
        }
        return node;
    }

private:
    struct Feeder {
        std::size_t node;
        unsigned slots;
    };
    std::deque<Feeder> feeders_;
};

// A host's free tree slot for an entry of another rack or site. A slot's
// cost is its depth plus 6 levels per halving of the upload it offers: one
// per outside child its host already feeds, one per halving of its link
// below the fleet's fastest (at most 3). An extra level only delays by one
// piece, a halved upload doubles the time; yet streams must still multiply
// where hosts are few, or the tree would turn into a chain.
constexpr unsigned levels_per_stream = 6;
constexpr unsigned max_slow_link_halvings = 3;

struct ExternalSlot {
    unsigned cost;
    unsigned rank; // outside children its host feeds before this one
    std::size_t sequence;
    std::size_t node;
    bool operator>(const ExternalSlot& other) const {
        return std::tie(cost, rank, sequence) > std::tie(other.cost, other.rank, other.sequence);
    }
};
using ExternalSlots = std::priority_queue<ExternalSlot, std::vector<ExternalSlot>, std::greater<>>;

struct Share {
    std::size_t node;
    PathSetId paths;
};

class Planner {
public:
    Planner(const Fleet& fleet, const PlanOptions& options)
        : fleet_(fleet), options_(options), sets_(fleet.paths.nar_sizes()) {}

    Plan run() {
        std::vector<PathSetId> needs;
        std::vector<std::uint64_t> needs_bytes;
        for (const auto& host : fleet_.hosts) {
            fastest_link_ = std::max(fastest_link_, host.bandwidth_bps);
            needs.push_back(intern_needs(host));
            needs_bytes.push_back(sets_.bytes(needs.back()));
        }
        build_tree(group_by_topology(fleet_, needs_bytes, options_.two_entry_site_hosts), needs);
        return assign_parents();
    }

private:
    PathSetId intern_needs(const HostNeeds& host) {
        if (host.bandwidth_bps == 0) {
            throw util::UsageError(fmt::format("host {} has no bandwidth", host.name));
        }
        for (const PathId path : host.missing) {
            if (path >= fleet_.paths.size()) {
                throw util::Error(
                    fmt::format("host {} needs path id {}, but only {} paths are known", host.name,
                                path, fleet_.paths.size()));
            }
        }
        return sets_.intern(host.missing);
    }

    std::size_t add_node(std::size_t host, Role role, std::size_t zone, std::size_t rack,
                         PathSetId receives) {
        nodes_.push_back({host, role, zone, rack, source_node, 0, receives});
        tree_children_.push_back(0);
        return nodes_.size() - 1;
    }

    unsigned slow_link_halvings(const HostNeeds& host) const {
        unsigned halvings = 0;
        while (halvings < max_slow_link_halvings &&
               host.bandwidth_bps << (halvings + 1) <= fastest_link_) {
            ++halvings;
        }
        return halvings;
    }

    void attach(std::size_t child, std::size_t parent) {
        nodes_[child].tree_parent = parent;
        if (parent == source_node) {
            nodes_[child].tree_depth = 1;
            return;
        }
        ++tree_children_[parent];
        nodes_[child].tree_depth = nodes_[parent].tree_depth + 1;
    }

    // Builds a rack's own tree below its entry, breadth-first with K-1
    // children per host, then offers every host's remaining slots to other
    // racks and sites.
    void build_rack(std::size_t entry, const RackGroup& rack, const std::vector<PathSetId>& needs,
                    ExternalSlots& slots) {
        const unsigned fanout = options_.fanout;
        FeederQueue in_rack;
        in_rack.offer(entry, fanout - 1);
        std::vector<std::size_t> rack_nodes{entry};
        for (std::size_t i = 1; i < rack.hosts.size(); ++i) {
            const std::size_t node = add_node(rack.hosts[i], Role::member, nodes_[entry].zone,
                                              nodes_[entry].rack, needs[rack.hosts[i]]);
            attach(node, in_rack.take());
            in_rack.offer(node, fanout - 1);
            rack_nodes.push_back(node);
        }
        // An entry's upload already carries every byte into its rack once, so
        // its rack peers take outside children before it does.
        const unsigned entry_rank = rack_nodes.size() > 1 ? 1 : 0;
        for (const std::size_t node : rack_nodes) {
            const unsigned first_rank = node == entry ? entry_rank : 0;
            const unsigned halvings = slow_link_halvings(fleet_.hosts[nodes_[node].host]);
            for (unsigned k = 0; k < fanout - tree_children_[node]; ++k) {
                const unsigned rank = first_rank + k;
                slots.push({nodes_[node].tree_depth + levels_per_stream * (rank + halvings), rank,
                            slot_sequence_++, node});
            }
        }
    }

    // Zones, and racks within a zone, hang off the best free slot (see
    // ExternalSlot): entries spread over many feeders, so no host streams the
    // closure to several racks or sites at once while others idle. A slot
    // serves its own zone's racks first, then the next zone: each site is
    // entered once.
    void build_tree(const std::vector<Zone>& zones, const std::vector<PathSetId>& needs) {
        std::vector<std::vector<PathSetId>> rack_unions(zones.size());
        std::vector<std::vector<std::size_t>> rack_ids(zones.size());
        std::vector<PathSetId> zone_unions(zones.size(), PathSetPool::empty_set);
        for (std::size_t z = 0; z < zones.size(); ++z) {
            for (const auto& rack : zones[z].racks) {
                PathSetId rack_union = PathSetPool::empty_set;
                for (const std::size_t host : rack.hosts) {
                    rack_union = sets_.unite(rack_union, needs[host]);
                }
                rack_unions[z].push_back(rack_union);
                rack_ids[z].push_back(rack_count_++);
                zone_unions[z] = sets_.unite(zone_unions[z], rack_union);
            }
        }
        zone_count_ = zones.size();
        if (zones.empty()) {
            return;
        }
        ExternalSlots slots;
        std::vector<std::size_t> next_rack(zones.size(), 1);
        std::size_t next_zone = 0;
        std::size_t racks_left = rack_count_ - zones.size();
        const auto enter_zone = [&](std::size_t parent) {
            const std::size_t z = next_zone++;
            const std::size_t entry = add_node(zones[z].racks[0].hosts[0], Role::zone_entry, z,
                                               rack_ids[z][0], zone_unions[z]);
            attach(entry, parent);
            build_rack(entry, zones[z].racks[0], needs, slots);
        };
        enter_zone(source_node); // the deployer feeds one host: it sends each byte once
        while (!slots.empty() && (next_zone < zones.size() || racks_left > 0)) {
            const std::size_t feeder = take_slot(slots, zones, next_zone, next_rack);
            const std::size_t z = nodes_[feeder].zone;
            if (next_rack[z] < zones[z].racks.size()) {
                const std::size_t r = next_rack[z]++;
                --racks_left;
                const std::size_t entry = add_node(zones[z].racks[r].hosts[0], Role::rack_entry, z,
                                                   rack_ids[z][r], rack_unions[z][r]);
                attach(entry, feeder);
                build_rack(entry, zones[z].racks[r], needs, slots);
            } else if (next_zone < zones.size()) {
                enter_zone(feeder);
            }
        }
    }

    // The best free slot, except that the second half of a split site is
    // entered from another site whenever one has a slot: that is the point
    // of splitting it.
    std::size_t take_slot(ExternalSlots& slots, const std::vector<Zone>& zones,
                          std::size_t next_zone, const std::vector<std::size_t>& next_rack) {
        const auto wanted_elsewhere = [&](const ExternalSlot& slot) {
            const std::size_t z = nodes_[slot.node].zone;
            return next_rack[z] == zones[z].racks.size() && next_zone < zones.size() &&
                   zones[next_zone].second_half && zones[z].site == zones[next_zone].site;
        };
        std::vector<ExternalSlot> skipped;
        while (slots.size() > 1 && wanted_elsewhere(slots.top())) {
            skipped.push_back(slots.top());
            slots.pop();
        }
        const std::size_t feeder = slots.top().node;
        slots.pop();
        for (const auto& slot : skipped) {
            slots.push(slot);
        }
        return feeder;
    }

    // Picks extra parents among already placed hosts of one rack or site
    // (`scope`) for the paths `uncovered`, largest share first; what no
    // candidate holds comes from `fallback`, the scope's entry, which
    // receives everything its scope needs.
    void cover_in_scope(const std::vector<std::size_t>& scope, std::size_t& cursor,
                        unsigned wave_limit, PathSetId uncovered, std::size_t fallback,
                        std::vector<Share>& shares) {
        while (cursor < scope.size() && children_[scope[cursor]] >= options_.fanout) {
            ++cursor;
        }
        while (uncovered != PathSetPool::empty_set) {
            std::size_t best = source_node;
            std::uint64_t best_bytes = 0;
            std::size_t scanned = 0;
            for (std::size_t i = cursor; i < scope.size() && scanned < coverage_candidates; ++i) {
                const std::size_t candidate = scope[i];
                if (children_[candidate] >= options_.fanout || wave_[candidate] > wave_limit) {
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
        const Node& node = nodes_[n];
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
        switch (node.role) {
        case Role::member:
            cover_in_scope(placed_in_rack_[node.rack], rack_cursor_[node.rack], wave_[parent],
                           uncovered, rack_entry_[node.rack], shares);
            break;
        case Role::rack_entry:
            cover_in_scope(placed_in_zone_[node.zone], zone_cursor_[node.zone], wave_[parent],
                           uncovered, zone_entry_[node.zone], shares);
            break;
        case Role::zone_entry:
            cover_from_anywhere(uncovered, shares);
            break;
        }
        return shares;
    }

    void place(std::size_t n, const std::vector<Share>& shares) {
        const Node& node = nodes_[n];
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
        placed_in_rack_[node.rack].push_back(n);
        placed_in_zone_[node.zone].push_back(n);
        if (node.role != Role::member) {
            rack_entry_[node.rack] = n;
        }
        if (node.role == Role::zone_entry) {
            zone_entry_[node.zone] = n;
        }
    }

    Plan assign_parents() {
        const std::size_t zones = zone_count_;
        const std::size_t racks = rack_count_;
        placed_in_rack_.assign(racks, {});
        placed_in_zone_.assign(zones, {});
        rack_cursor_.assign(racks, 0);
        zone_cursor_.assign(zones, 0);
        rack_entry_.assign(racks, source_node);
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
            const Node& node = nodes_[n];
            const HostNeeds& host = fleet_.hosts[node.host];
            PlannedHost planned{host.name,    host.site,
                                host.rack,    host.bandwidth_bps,
                                wave_[n],     position_of(node.tree_parent),
                                {},           sets_.intern(host.missing),
                                node.receives};
            for (const Share& share : shares) {
                planned.parents.push_back(
                    {position_of(share.node), share.paths, sets_.bytes(share.paths)});
            }
            hosts.push_back(std::move(planned));
        }
        return Plan{.sets = std::move(sets_),
                    .hosts = std::move(hosts),
                    .source_bandwidth_bps = fleet_.source_bandwidth_bps,
                    .fanout = options_.fanout,
                    .piece_size = options_.piece_size,
                    .links = {},
                    .estimate = {}};
    }

    const Fleet& fleet_;
    const PlanOptions& options_;
    PathSetPool sets_;
    std::vector<Node> nodes_;
    std::vector<unsigned> tree_children_;
    std::size_t zone_count_ = 0;
    std::size_t rack_count_ = 0;
    std::size_t slot_sequence_ = 0;
    std::uint64_t fastest_link_ = 0;
    // State of the parent assignment, which walks nodes breadth-first.
    std::vector<unsigned> wave_;
    std::vector<unsigned> children_;  // tree and extra children together
    std::vector<std::size_t> holder_; // per path: placed receiver in the lowest wave
    std::vector<std::vector<std::size_t>> placed_in_rack_;
    std::vector<std::vector<std::size_t>> placed_in_zone_;
    std::vector<std::size_t> rack_cursor_;
    std::vector<std::size_t> zone_cursor_;
    std::vector<std::size_t> rack_entry_;
    std::vector<std::size_t> zone_entry_;
};

void count_link_bytes(Plan& plan) {
    for (const auto& host : plan.hosts) {
        plan.depth = std::max(plan.depth, host.wave);
        for (const auto& parent : host.parents) {
            if (parent.node == source_node) {
                plan.links.deployer_egress += parent.bytes;
                continue;
            }
            const auto& from = plan.hosts[parent.node];
            if (from.site != host.site) {
                plan.links.cross_site += parent.bytes;
            } else if (from.rack != host.rack) {
                plan.links.cross_rack += parent.bytes;
            } else {
                plan.links.in_rack += parent.bytes;
            }
        }
    }
}

} // namespace

Plan make_plan(const Fleet& fleet, const PlanOptions& options) {
    if (options.fanout < 3) {
        throw util::UsageError(
            fmt::format("fanout {} is too small: it must be at least 3", options.fanout));
    }
    if (fleet.source_bandwidth_bps == 0) {
        throw util::UsageError("the deployer's bandwidth must be above zero");
    }
    if (options.piece_size == 0) {
        throw util::UsageError("the piece size must be above zero");
    }
    Plan plan = Planner(fleet, options).run();
    PathSetId everything = PathSetPool::empty_set;
    for (const auto& host : plan.hosts) {
        everything = plan.sets.unite(everything, host.missing);
    }
    plan.union_bytes = plan.sets.bytes(everything);
    count_link_bytes(plan);
    plan.estimate = estimate(plan);
    return plan;
}

} // namespace shoal::plan
