#include "plan/tree.hpp"

#include "plan/topology.hpp"

#include <algorithm>
#include <deque>
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

// A host's free tree slot for an entry of another rack or site. A slot's
// cost is its depth plus 6 levels per halving of the upload it offers: one
// per outside child its host already feeds, one per halving of its link
// below the fleet's fastest (at most 3), plus its rack's load (see
// rack_load_levels). An extra level only delays by one piece, a halved
// upload doubles the time; yet streams must still multiply where hosts are
// few, or the tree would turn into a chain.
constexpr unsigned levels_per_stream = 6;
constexpr unsigned max_slow_link_halvings = 3;
// See rack_load_levels: tuned on simulated fleets of 32 to 3,000 hosts.
constexpr unsigned rack_stream_weight = 16;

struct ExternalSlot {
    unsigned cost; // with its rack's load when last looked at
    unsigned rank; // outside children its host feeds before this one
    unsigned load; // its rack's load, in levels, when the cost was computed
    std::size_t sequence;
    std::size_t node;
    bool operator>(const ExternalSlot& other) const {
        return std::tie(cost, rank, sequence) > std::tie(other.cost, other.rank, other.sequence);
    }
};
using ExternalSlots = std::priority_queue<ExternalSlot, std::vector<ExternalSlot>, std::greater<>>;

class TreeBuilder {
public:
    TreeBuilder(const Fleet& fleet, PathSetPool& sets, unsigned fanout)
        : fleet_(fleet), sets_(sets), fanout_(fanout) {
        for (const auto& host : fleet.hosts) {
            fastest_link_ = std::max(fastest_link_, host.bandwidth_bps);
        }
    }

    Tree build(const std::vector<Zone>& zones, const std::vector<PathSetId>& needs) {
        place_zones(zones, needs);
        return {std::move(nodes_), zone_count_, rack_count_};
    }

private:
    std::size_t add_node(std::size_t host, Role role, std::size_t zone, std::size_t rack,
                         PathSetId receives) {
        nodes_.push_back({host, role, zone, rack, source_node, 0, receives});
        tree_children_.push_back(0);
        return nodes_.size() - 1;
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

    // Builds a rack's own tree below its entry, breadth-first with K-1
    // children per host, then offers every host's remaining slots to other
    // racks and sites.
    void build_rack(std::size_t entry, const RackGroup& rack, const std::vector<PathSetId>& needs,
                    ExternalSlots& slots) {
        FeederQueue in_rack;
        in_rack.offer(entry, fanout_ - 1);
        std::vector<std::size_t> rack_nodes{entry};
        for (std::size_t i = 1; i < rack.hosts.size(); ++i) {
            const std::size_t node = add_node(rack.hosts[i], Role::member, nodes_[entry].zone,
                                              nodes_[entry].rack, needs[rack.hosts[i]]);
            attach(node, in_rack.take());
            in_rack.offer(node, fanout_ - 1);
            rack_nodes.push_back(node);
        }
        // A host with children in its rack sends each piece into its subtree
        // (its children trade the rest), which is as good as one stream
        // already: the rack's leaves take outside children first.
        for (const std::size_t node : rack_nodes) {
            const unsigned first_rank = tree_children_[node] > 0 ? 1 : 0;
            const unsigned halvings = slow_link_halvings(fleet_.hosts[nodes_[node].host]);
            for (unsigned k = 0; k < fanout_ - tree_children_[node]; ++k) {
                const unsigned rank = first_rank + k;
                slots.push({nodes_[node].tree_depth + levels_per_stream * (rank + halvings) +
                                rack_load_levels(nodes_[node].rack),
                            rank, rack_load_levels(nodes_[node].rack), slot_sequence_++, node});
            }
        }
    }

    // Zones, and racks within a zone, hang off the best free slot (see
    // ExternalSlot): entries spread over many feeders, so no host streams the
    // closure to several racks or sites at once while others idle. A slot
    // serves its own zone's racks first, then the next zone: each site is
    // entered once.
    void place_zones(const std::vector<Zone>& zones, const std::vector<PathSetId>& needs) {
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
                rack_sizes_.push_back(rack.hosts.size());
                zone_unions[z] = sets_.unite(zone_unions[z], rack_union);
            }
        }
        zone_count_ = zones.size();
        rack_streams_.assign(rack_count_, 0);
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
        for (;;) {
            while (slots.size() > 1 && wanted_elsewhere(slots.top())) {
                skipped.push_back(slots.top());
                slots.pop();
            }
            ExternalSlot best = slots.top();
            slots.pop();
            // Lazy update: the slot's rack may have taken outside children
            // since it was queued; if so, queue it again at its current cost.
            const unsigned load = rack_load_levels(nodes_[best.node].rack);
            if (load > best.load && !slots.empty()) {
                best.cost += load - best.load;
                best.load = load;
                slots.push(best);
                continue;
            }
            for (const auto& slot : skipped) {
                slots.push(slot);
            }
            ++rack_streams_[nodes_[best.node].rack];
            return best.node;
        }
    }

    // A rack's mesh shares its outside streams among its hosts, so each
    // costs the rack about 1/size of its upload. Counted rack_stream_weight
    // times stronger than that (the mesh's exchange is far from perfect), it
    // keeps a rack from feeding many others while racks it fed could.
    unsigned rack_load_levels(std::size_t rack) const {
        const std::size_t size = rack_sizes_[rack];
        return size < 2 ? 0
                        : static_cast<unsigned>(rack_stream_weight * levels_per_stream *
                                                rack_streams_[rack] / size);
    }

    const Fleet& fleet_;
    PathSetPool& sets_;
    unsigned fanout_;
    std::vector<TreeNode> nodes_;
    std::vector<unsigned> tree_children_;
    std::size_t zone_count_ = 0;
    std::size_t rack_count_ = 0;
    std::size_t slot_sequence_ = 0;
    std::vector<std::size_t> rack_sizes_;   // per rack id
    std::vector<std::size_t> rack_streams_; // per rack id: outside children so far
    std::uint64_t fastest_link_ = 0;
};

} // namespace

Tree build_tree(const Fleet& fleet, const std::vector<PathSetId>& needs, PathSetPool& sets,
                const PlanOptions& options) {
    std::vector<std::uint64_t> needs_bytes;
    for (const PathSetId set : needs) {
        needs_bytes.push_back(sets.bytes(set));
    }
    return TreeBuilder(fleet, sets, options.fanout)
        .build(group_by_topology(fleet, needs_bytes, options.two_entry_site_hosts), needs);
}

} // namespace shoal::plan
