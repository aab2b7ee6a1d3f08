#include "push/swarm_peers.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace shoal::push {
namespace {

// Each host meets this many of its rack on either side of it in a ring, so a
// rack's hosts form one well-connected mesh however its tree is shaped.
constexpr std::size_t rack_neighbours_each_side = 4;

// Enough TCP streams to fill the deployer's uplink though each needs only a
// share of it; few enough that its slice sessions stay cheap.
constexpr std::size_t max_sourced_hosts = 8;

// The tree's roots, then their rack-mates: the deployer's bytes enter each
// site and rack as they would through the tree, but spread over several
// hosts, none of which has to pass everything on by itself.
std::vector<std::size_t> sourced_hosts(const plan::Plan& plan) {
    std::vector<std::size_t> sourced;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        if (plan.hosts[i].tree_parent == plan::source_node && sourced.size() < max_sourced_hosts) {
            sourced.push_back(i);
        }
    }
    const std::size_t roots = sourced.size();
    for (std::size_t r = 0; r < roots; ++r) {
        const auto& root = plan.hosts[sourced[r]];
        for (std::size_t i = 0; i < plan.hosts.size() && sourced.size() < max_sourced_hosts; ++i) {
            const auto& host = plan.hosts[i];
            if (host.site == root.site && host.rack == root.rack &&
                std::find(sourced.begin(), sourced.end(), i) == sourced.end()) {
                sourced.push_back(i);
            }
        }
    }
    return sourced;
}

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
    routes.sourced = sourced_hosts(plan);
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
    std::map<std::size_t, std::vector<std::size_t>> children_of;
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> racks;
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
        children_of[host.tree_parent].push_back(i);
        racks[{host.site, host.rack}].push_back(i);
    }
    for (const auto& [parent, siblings] : children_of) {
        for (std::size_t a = 0; a < siblings.size(); ++a) {
            for (std::size_t b = a + 1; b < siblings.size(); ++b) {
                links.dial(siblings[a], siblings[b]);
            }
        }
    }
    for (const auto& [rack, members] : racks) {
        const std::size_t reach = std::min(rack_neighbours_each_side, members.size() / 2);
        for (std::size_t p = 0; p < members.size(); ++p) {
            for (std::size_t step = 1; step <= reach; ++step) {
                links.dial(members[p], members[(p + step) % members.size()]);
            }
        }
    }
    routes.peers = links.take();
    for (auto& list : routes.peers) {
        std::sort(list.begin(), list.end());
    }
    return routes;
}

} // namespace shoal::push
