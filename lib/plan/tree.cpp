#include "plan/tree.hpp"

#include "plan/deployer_slices.hpp"

#include <algorithm>
#include <deque>
#include <numeric>
#include <queue>
#include <tuple>

namespace shoal::plan {

namespace {

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

// A host's free tree slot for the entry of another zone. A slot's cost is
// its depth plus 6 levels per halving of the upload it offers: one per
// outside child its host already feeds, one per halving of its link below
// the fleet's fastest (at most 3). An extra level only delays by one piece, a
// halved upload doubles the time.
constexpr unsigned levels_per_stream = 6;
constexpr unsigned max_slow_link_halvings = 3;

struct ExternalSlot {
    unsigned cost;
    std::size_t sequence;
    std::size_t node;
    bool operator>(const ExternalSlot& other) const {
        return std::tie(cost, sequence) > std::tie(other.cost, other.sequence);
    }
};
using ExternalSlots = std::priority_queue<ExternalSlot, std::vector<ExternalSlot>, std::greater<>>;

// The zone's hosts by tree position (breadth-first, `children` per host:
// position p > 0 hangs off (p-1)/children). Which of several equal hosts
// (same link, same bytes needed) takes which position changes neither the
// tree's shape nor its speed, so they are dealt out in depth-first order:
// each subtree then holds a run of the zone's order, which keeps rack-mates
// together and most tree edges inside a rack.
std::vector<std::size_t> hosts_by_position(const Fleet& fleet, const Zone& zone,
                                           const std::vector<std::uint64_t>& needs_bytes,
                                           std::size_t children) {
    const std::size_t count = zone.hosts.size();
    std::vector<std::size_t> depth_first_rank(count);
    std::vector<std::size_t> stack{0};
    for (std::size_t rank = 0; !stack.empty(); ++rank) {
        const std::size_t position = stack.back();
        stack.pop_back();
        depth_first_rank[position] = rank;
        const std::size_t first_child = position * children + 1;
        for (std::size_t child = std::min(count, first_child + children); child > first_child;
             --child) {
            stack.push_back(child - 1); // the first child on top
        }
    }
    const auto equal = [&](std::size_t a, std::size_t b) {
        return fleet.hosts[a].bandwidth_bps == fleet.hosts[b].bandwidth_bps &&
               needs_bytes[a] == needs_bytes[b];
    };
    std::vector<std::size_t> by_position(count);
    for (std::size_t start = 0; start < count;) {
        std::size_t end = start + 1;
        while (end < count && equal(zone.hosts[start], zone.hosts[end])) {
            ++end;
        }
        std::vector<std::size_t> positions(end - start);
        std::iota(positions.begin(), positions.end(), start);
        std::sort(positions.begin(), positions.end(), [&](std::size_t a, std::size_t b) {
            return depth_first_rank[a] < depth_first_rank[b];
        });
        for (std::size_t k = 0; k < positions.size(); ++k) {
            by_position[positions[k]] = zone.hosts[start + k];
        }
        start = end;
    }
    return by_position;
}

class TreeBuilder {
public:
    TreeBuilder(const Fleet& fleet, PathSetPool& sets, unsigned fanout)
        : fleet_(fleet), sets_(sets), fanout_(fanout) {
        for (const auto& host : fleet.hosts) {
            fastest_link_ = std::max(fastest_link_, host.bandwidth_bps);
        }
    }

    Tree build(const std::vector<Zone>& zones, const std::vector<PathSetId>& needs) {
        ExternalSlots slots;
        // The deployer feeds the first zone, and each further zone while its
        // uplink has room for that zone's way in: a zone behind a slow site
        // link then gets its copy straight from the deployer, not from a host
        // whose uplink also serves its own zone. Any other zone is entered
        // from the cheapest free slot elsewhere, as is every zone beyond the
        // deployer's slices: each zone it feeds needs one of them.
        std::uint64_t deployer_left = fleet_.source_bandwidth_bps;
        std::size_t fed_zones = 0;
        for (std::size_t z = 0; z < zones.size(); ++z) {
            const std::uint64_t way_in = zone_way_in(zones[z]);
            std::size_t feeder = source_node;
            if (z > 0 && (way_in > deployer_left || fed_zones == max_deployer_slices) &&
                !slots.empty()) {
                feeder = slots.top().node;
                slots.pop();
            } else {
                deployer_left -= std::min(way_in, deployer_left);
                ++fed_zones;
            }
            build_zone(z, zones[z], needs, feeder, slots);
        }
        return {std::move(nodes_), zones.size()};
    }

private:
    std::size_t add_node(std::size_t host, bool zone_entry, std::size_t zone, PathSetId receives) {
        nodes_.push_back({host, zone_entry, zone, source_node, 0, receives});
        tree_children_.push_back(0);
        outside_children_.push_back(0);
        return nodes_.size() - 1;
    }

    // The rate at which a zone can take bytes in: its entry's link (its
    // fastest), or its site's declared uplink if slower.
    std::uint64_t zone_way_in(const Zone& zone) const {
        const std::uint64_t entry = fleet_.hosts[zone.hosts.front()].bandwidth_bps;
        const auto uplink = fleet_.site_uplink_bps.find(zone.site);
        return zone.site.empty() || uplink == fleet_.site_uplink_bps.end()
                   ? entry
                   : std::min(entry, uplink->second);
    }

    unsigned slow_link_halvings(const HostNeeds& host) const {
        unsigned halvings = 0;
        while (halvings < max_slow_link_halvings &&
               host.bandwidth_bps <= fastest_link_ >> (halvings + 1)) {
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

    // A zone's own tree, breadth-first with K-1 children per host below its
    // entry (which receives the zone's union), then every host's remaining
    // slots offered to other zones.
    void build_zone(std::size_t z, const Zone& zone, const std::vector<PathSetId>& needs,
                    std::size_t feeder, ExternalSlots& slots) {
        PathSetId zone_union = PathSetPool::empty_set;
        std::vector<std::uint64_t> needs_bytes(fleet_.hosts.size(), 0);
        for (const std::size_t host : zone.hosts) {
            zone_union = sets_.unite(zone_union, needs[host]);
            needs_bytes[host] = sets_.bytes(needs[host]);
        }
        const auto hosts = hosts_by_position(fleet_, zone, needs_bytes, fanout_ - 1);
        const std::size_t entry = add_node(hosts[0], true, z, zone_union);
        attach(entry, feeder);
        if (feeder != source_node) {
            ++outside_children_[feeder];
            offer_slot(feeder, slots);
        }
        FeederQueue in_zone;
        in_zone.offer(entry, fanout_ - 1);
        std::vector<std::size_t> zone_nodes{entry};
        for (std::size_t i = 1; i < hosts.size(); ++i) {
            const std::size_t node = add_node(hosts[i], false, z, needs[hosts[i]]);
            attach(node, in_zone.take());
            in_zone.offer(node, fanout_ - 1);
            zone_nodes.push_back(node);
        }
        for (const std::size_t node : zone_nodes) {
            offer_slot(node, slots);
        }
    }

    // Offers `node`'s next free slot, priced by the outside streams it
    // already feeds. A host with children in its zone sends each piece into
    // its subtree, which is as good as one stream already: leaves go first.
    void offer_slot(std::size_t node, ExternalSlots& slots) {
        if (tree_children_[node] >= fanout_) {
            return;
        }
        const unsigned outside = outside_children_[node];
        const unsigned feeds_own_zone = tree_children_[node] > outside ? 1 : 0;
        const unsigned halvings = slow_link_halvings(fleet_.hosts[nodes_[node].host]);
        slots.push(
            {nodes_[node].tree_depth + levels_per_stream * (outside + feeds_own_zone + halvings),
             slot_sequence_++, node});
    }

    const Fleet& fleet_;
    PathSetPool& sets_;
    unsigned fanout_;
    std::vector<TreeNode> nodes_;
    std::vector<unsigned> tree_children_;
    std::vector<unsigned> outside_children_; // entries of other zones it feeds
    std::size_t slot_sequence_ = 0;
    std::uint64_t fastest_link_ = 0;
};

} // namespace

Tree build_tree(const Fleet& fleet, const std::vector<Zone>& zones,
                const std::vector<PathSetId>& needs, PathSetPool& sets,
                const PlanOptions& options) {
    return TreeBuilder(fleet, sets, options.fanout).build(zones, needs);
}

} // namespace shoal::plan
