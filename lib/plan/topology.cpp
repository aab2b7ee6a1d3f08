#include "plan/topology.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace shoal::plan {

std::vector<Zone> group_by_topology(const Fleet& fleet,
                                    const std::vector<std::uint64_t>& needs_bytes,
                                    const std::set<std::string>& separated_sites) {
    std::map<std::string, Zone> by_site; // keyed by Zone::site: "" for the open zone
    for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
        if (needs_bytes[i] == 0) {
            continue;
        }
        const std::string& site = fleet.hosts[i].site;
        const std::string zone = separated_sites.contains(site) ? site : std::string();
        auto& entry = by_site[zone];
        entry.site = zone;
        entry.hosts.push_back(i);
    }
    const auto better_parent = [&](std::size_t a, std::size_t b) {
        const auto& x = fleet.hosts[a];
        const auto& y = fleet.hosts[b];
        return std::tie(y.bandwidth_bps, needs_bytes[b], x.site, x.rack, x.name) <
               std::tie(x.bandwidth_bps, needs_bytes[a], y.site, y.rack, y.name);
    };
    std::vector<Zone> zones;
    for (auto& [name, zone] : by_site) {
        std::sort(zone.hosts.begin(), zone.hosts.end(), better_parent);
        zones.push_back(std::move(zone));
    }
    std::stable_sort(zones.begin(), zones.end(),
                     [](const Zone& a, const Zone& b) { return a.hosts.size() > b.hosts.size(); });
    return zones;
}

std::set<std::string> constrained_sites(const Fleet& fleet,
                                        const std::vector<std::uint64_t>& needs_bytes) {
    std::map<std::string, std::uint64_t> host_links;
    for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
        if (needs_bytes[i] > 0) {
            host_links[fleet.hosts[i].site] += fleet.hosts[i].bandwidth_bps;
        }
    }
    std::set<std::string> sites;
    for (const auto& [site, links] : host_links) {
        const auto uplink = fleet.site_uplink_bps.find(site);
        if (uplink != fleet.site_uplink_bps.end() && uplink->second < links) {
            sites.insert(site);
        }
    }
    return sites;
}

} // namespace shoal::plan
