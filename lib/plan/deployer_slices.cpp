#include "plan/deployer_slices.hpp"

#include <algorithm>

namespace shoal::plan {

std::vector<std::size_t> deployer_slice_hosts(const Plan& plan) {
    std::vector<std::size_t> roots;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        if (plan.hosts[i].tree_parent == source_node && roots.size() < max_deployer_slices) {
            roots.push_back(i);
        }
    }
    std::vector<std::size_t> fed = roots;
    for (std::size_t r = 0; r < roots.size(); ++r) {
        // Each root's zone gets an equal part of the slices, the first ones any left over.
        const std::size_t part =
            max_deployer_slices / roots.size() + (r < max_deployer_slices % roots.size() ? 1 : 0);
        const auto& root = plan.hosts[roots[r]];
        std::size_t taken = 1;
        for (const bool rack_mates : {true, false}) {
            for (std::size_t i = 0; i < plan.hosts.size() && taken < part; ++i) {
                const auto& host = plan.hosts[i];
                const bool same_rack = host.site == root.site && host.rack == root.rack;
                if (host.zone == root.zone && same_rack == rack_mates &&
                    std::find(fed.begin(), fed.end(), i) == fed.end()) {
                    fed.push_back(i);
                    ++taken;
                }
            }
        }
    }
    return fed;
}

std::uint64_t peer_limit_while_fed(std::uint64_t host_bps, std::uint64_t deployer_bps,
                                   std::size_t slices, std::size_t receivers) {
    if (host_bps == 0 || deployer_bps == 0 || slices == 0) {
        return 0;
    }
    if (receivers <= slices) {
        return 0; // every receiver fed: the trade among them is the rest of the push
    }
    const std::uint64_t slice_bps = std::min(host_bps, deployer_bps / slices);
    const std::uint64_t left = host_bps - slice_bps;
    const bool few_fed = slices * 4 <= receivers;
    return std::max(few_fed ? left / 2 : left / 10 * 9, host_bps / 10);
}

} // namespace shoal::plan
