#include "plan/topology.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <tuple>

namespace shoal::plan {

namespace {

std::size_t host_count(const Zone& zone) {
    std::size_t count = 0;
    for (const auto& rack : zone.racks) {
        count += rack.hosts.size();
    }
    return count;
}

// Splits racks (largest first) into two zones, each rack to the lighter one.
std::vector<Zone> split_in_two(Zone site) {
    std::vector<Zone> halves{{site.site, {}, false}, {site.site, {}, false}};
    std::size_t weight[2] = {0, 0};
    for (auto& rack : site.racks) {
        const std::size_t lighter = weight[0] <= weight[1] ? 0 : 1;
        weight[lighter] += rack.hosts.size();
        halves[lighter].racks.push_back(std::move(rack));
    }
    return halves;
}

} // namespace

std::vector<Zone> group_by_topology(const Fleet& fleet,
                                    const std::vector<std::uint64_t>& needs_bytes,
                                    std::size_t two_entry_site_hosts) {
    std::map<std::string, std::map<std::string, RackGroup>> sites;
    for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
        if (needs_bytes[i] > 0) {
            sites[fleet.hosts[i].site][fleet.hosts[i].rack].hosts.push_back(i);
        }
    }
    const auto better_parent = [&](std::size_t a, std::size_t b) {
        const auto& x = fleet.hosts[a];
        const auto& y = fleet.hosts[b];
        return std::tie(y.bandwidth_bps, needs_bytes[b], x.name) <
               std::tie(x.bandwidth_bps, needs_bytes[a], y.name);
    };
    const auto better_rack = [&](const RackGroup& a, const RackGroup& b) {
        if (a.hosts.size() != b.hosts.size()) {
            return a.hosts.size() > b.hosts.size();
        }
        return better_parent(a.hosts[0], b.hosts[0]);
    };

    std::vector<Zone> zones;
    std::vector<Zone> second_halves;
    for (auto& [site_name, racks] : sites) {
        Zone site{site_name, {}, false};
        for (auto& [rack_name, rack] : racks) {
            std::sort(rack.hosts.begin(), rack.hosts.end(), better_parent);
            site.racks.push_back(std::move(rack));
        }
        std::sort(site.racks.begin(), site.racks.end(), better_rack);
        if (host_count(site) > two_entry_site_hosts && site.racks.size() >= 2) {
            auto halves = split_in_two(std::move(site));
            zones.push_back(std::move(halves[0]));
            halves[1].second_half = true;
            second_halves.push_back(std::move(halves[1]));
        } else {
            zones.push_back(std::move(site));
        }
    }
    const auto larger = [](const Zone& a, const Zone& b) { return host_count(a) > host_count(b); };
    std::stable_sort(zones.begin(), zones.end(), larger);
    std::stable_sort(second_halves.begin(), second_halves.end(), larger);
    zones.insert(zones.end(), std::make_move_iterator(second_halves.begin()),
                 std::make_move_iterator(second_halves.end()));
    return zones;
}

} // namespace shoal::plan
