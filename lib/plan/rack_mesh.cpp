#include "plan/rack_mesh.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <string_view>
#include <utility>

namespace shoal::plan {

std::vector<std::vector<std::size_t>> rack_mesh(const Plan& plan, std::size_t peers_per_host) {
    std::map<std::pair<std::string_view, std::string_view>, std::vector<std::size_t>> racks;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        racks[{plan.hosts[i].site, plan.hosts[i].rack}].push_back(i);
    }
    std::vector<std::vector<std::size_t>> peers(plan.hosts.size());
    std::mt19937_64 random(0x5ea1); // fixed seed: the same plan always simulates the same way
    for (const auto& [key, members] : racks) {
        const std::size_t count = members.size();
        if (count <= peers_per_host + 1) {
            for (const std::size_t a : members) {
                for (const std::size_t b : members) {
                    if (a != b) {
                        peers[a].push_back(b);
                    }
                }
            }
            continue;
        }
        // Each host picks half its peers; the links are symmetric, so on
        // average every host ends up with peers_per_host of them.
        std::uniform_int_distribution<std::size_t> offset(1, count - 1);
        for (std::size_t i = 0; i < count; ++i) {
            for (std::size_t k = 0; k < (peers_per_host + 1) / 2; ++k) {
                const std::size_t other = members[(i + offset(random)) % count];
                peers[members[i]].push_back(other);
                peers[other].push_back(members[i]);
            }
        }
    }
    // Children of one parent in one rack always trade: the parent sends each
    // piece to one of them first.
    std::map<std::pair<std::size_t, std::pair<std::string_view, std::string_view>>,
             std::vector<std::size_t>>
        siblings;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        siblings[{host.tree_parent, {host.site, host.rack}}].push_back(i);
    }
    for (const auto& [key, group] : siblings) {
        for (const std::size_t a : group) {
            for (const std::size_t b : group) {
                if (a != b) {
                    peers[a].push_back(b);
                }
            }
        }
    }
    for (auto& list : peers) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    return peers;
}

} // namespace shoal::plan
