#include "push/swarm_peers.hpp"

#include "plan/mesh_peers.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace shoal::push {
namespace {

// Each host meets this many of its rack on either side of it in a ring, so a
// rack's hosts form one well-connected mesh however its tree is shaped (plus
// a few hosts of other racks of its zone, see plan::mesh_peers).
constexpr std::size_t rack_neighbours_each_side = 4;

// Who dials whom, each pair of hosts once.
class Links {
public:
    explicit Links(std::size_t hosts) : peers_(hosts) {}

    void dial(std::size_t from, std::size_t to) {
        const auto pair = std::minmax(from, to);
        if (from != to && linked_.insert(pair).second) {
            peers_[from].push_back(to);
        }
    }
    std::vector<std::vector<std::size_t>> take() { return std::move(peers_); }

private:
    std::vector<std::vector<std::size_t>> peers_;
    std::set<std::pair<std::size_t, std::size_t>> linked_;
};

} // namespace

SwarmRoutes swarm_routes(plan::Plan& plan) {
    SwarmRoutes routes;
    routes.sourced = plan.deployer_slice_hosts;
    std::vector<bool> is_sourced(plan.hosts.size());
    for (const auto i : routes.sourced) {
        is_sourced[i] = true;
    }
    for (const auto& host : plan.hosts) {
        routes.relays.push_back(plan.sets.subtract(host.receives, host.missing));
    }
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        for (const auto& parent : host.parents) {
            if (parent.node != plan::source_node || is_sourced[i]) {
                continue;
            }
            // Down the tree from the nearest host that fetches from the deployer.
            for (auto a = host.tree_parent; a != plan::source_node; a = plan.hosts[a].tree_parent) {
                routes.relays[a] = plan.sets.subtract(
                    plan.sets.unite(routes.relays[a], parent.paths), plan.hosts[a].missing);
                if (is_sourced[a]) {
                    break;
                }
            }
        }
    }
    Links links(plan.hosts.size());
    for (const auto i : routes.sourced) {
        links.dial(i, plan::source_node);
    }
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        for (const auto& parent : host.parents) {
            // The child dials: its parent may not know it yet.
            if (parent.node != plan::source_node) {
                links.dial(i, parent.node);
            } else if (!is_sourced[i]) {
                links.dial(i, host.tree_parent); // which relays the deployer's share
            }
        }
    }
    const auto mesh = plan::mesh_peers(plan, rack_neighbours_each_side);
    for (std::size_t i = 0; i < mesh.size(); ++i) {
        for (const std::size_t peer : mesh[i]) {
            links.dial(i, peer);
        }
    }
    routes.peers = links.take();
    for (auto& list : routes.peers) {
        std::sort(list.begin(), list.end());
    }
    return routes;
}

} // namespace shoal::push
