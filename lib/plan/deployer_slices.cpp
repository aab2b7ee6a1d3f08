#include "plan/deployer_slices.hpp"

#include <algorithm>

namespace shoal::plan {

std::vector<std::size_t> deployer_slice_hosts(const Plan& plan) {
    std::vector<std::size_t> fed;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        if (plan.hosts[i].tree_parent == source_node && fed.size() < max_deployer_slices) {
            fed.push_back(i);
        }
    }
    const std::size_t roots = fed.size();
    for (const bool rack_mates : {true, false}) {
        for (std::size_t r = 0; r < roots; ++r) {
            const auto& root = plan.hosts[fed[r]];
            for (std::size_t i = 0; i < plan.hosts.size() && fed.size() < max_deployer_slices;
                 ++i) {
                const auto& host = plan.hosts[i];
                const bool same_rack = host.site == root.site && host.rack == root.rack;
                if (host.zone == root.zone && same_rack == rack_mates &&
                    std::find(fed.begin(), fed.end(), i) == fed.end()) {
                    fed.push_back(i);
                }
            }
        }
    }
    return fed;
}

} // namespace shoal::plan
