#include "plan/mesh_peers.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace shoal::plan {

namespace {

class PeerLists {
public:
    explicit PeerLists(std::size_t hosts) : peers_(hosts) {}

    void link(std::size_t a, std::size_t b) {
        if (a != b) {
            peers_[a].push_back(b);
            peers_[b].push_back(a);
        }
    }

    std::vector<std::vector<std::size_t>> take() {
        for (auto& list : peers_) {
            std::sort(list.begin(), list.end());
            list.erase(std::unique(list.begin(), list.end()), list.end());
        }
        return std::move(peers_);
    }

private:
    std::vector<std::vector<std::size_t>> peers_;
};

// A zone's hosts in (site, rack, name) order: rack-mates are contiguous.
std::map<std::size_t, std::vector<std::size_t>> zones_by_rack(const Plan& plan) {
    std::map<std::size_t, std::vector<std::size_t>> zones;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        zones[plan.hosts[i].zone].push_back(i);
    }
    for (auto& [zone, members] : zones) {
        std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
            const auto& x = plan.hosts[a];
            const auto& y = plan.hosts[b];
            return std::tie(x.site, x.rack, x.name) < std::tie(y.site, y.rack, y.name);
        });
    }
    return zones;
}

} // namespace

std::vector<std::vector<std::size_t>> mesh_peers(const Plan& plan,
                                                 std::size_t rack_neighbours_each_side) {
    PeerLists peers(plan.hosts.size());
    const auto same_rack = [&](std::size_t a, std::size_t b) {
        return plan.hosts[a].site == plan.hosts[b].site && plan.hosts[a].rack == plan.hosts[b].rack;
    };
    for (const auto& [zone, members] : zones_by_rack(plan)) {
        const std::size_t count = members.size();
        for (std::size_t start = 0; start < count;) {
            std::size_t end = start + 1;
            while (end < count && same_rack(members[start], members[end])) {
                ++end;
            }
            const std::size_t rack_size = end - start;
            const std::size_t reach = std::min(rack_neighbours_each_side, rack_size / 2);
            for (std::size_t p = start; p < end; ++p) {
                for (std::size_t step = 1; step <= reach; ++step) {
                    peers.link(members[p], members[start + (p - start + step) % rack_size]);
                }
                if (rack_size < count) {
                    peers.link(members[p], members[(p + rack_size) % count]); // next rack
                }
                peers.link(members[p], members[(p + count / 2) % count]); // across the zone
            }
            start = end;
        }
    }
    // Children of one parent in one zone always trade: the parent sends each
    // piece to one of them first.
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>> siblings;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        siblings[{plan.hosts[i].tree_parent, plan.hosts[i].zone}].push_back(i);
    }
    for (const auto& [key, group] : siblings) {
        for (std::size_t a = 0; a < group.size(); ++a) {
            for (std::size_t b = a + 1; b < group.size(); ++b) {
                peers.link(group[a], group[b]);
            }
        }
    }
    return peers.take();
}

} // namespace shoal::plan
