#include "push/swarm_peers.hpp"

#include <algorithm>
#include <map>

namespace shoal::push {

std::vector<std::vector<std::size_t>> swarm_peers(const plan::Plan& plan) {
    std::vector<std::vector<std::size_t>> peers(plan.hosts.size());
    std::map<std::size_t, std::vector<std::size_t>> children_of;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        for (const auto& parent : plan.hosts[i].parents) {
            peers[i].push_back(parent.node);
        }
        children_of[plan.hosts[i].tree_parent].push_back(i);
    }
    for (const auto& [parent, siblings] : children_of) {
        for (std::size_t a = 0; a < siblings.size(); ++a) {
            for (std::size_t b = a + 1; b < siblings.size(); ++b) {
                peers[siblings[a]].push_back(siblings[b]);
            }
        }
    }
    for (auto& list : peers) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    return peers;
}

} // namespace shoal::push
