#include "push/swarm_peers.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace shoal::push {
namespace {

// Each host meets this many of its rack on either side of it in a ring, so a
// rack's hosts form one well-connected mesh however its tree is shaped.
constexpr std::size_t rack_neighbours_each_side = 3;

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

std::vector<std::vector<std::size_t>> swarm_peers(const plan::Plan& plan) {
    Links links(plan.hosts.size());
    std::map<std::size_t, std::vector<std::size_t>> children_of;
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> racks;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        for (const auto& parent : host.parents) {
            // The child dials: its parent may not know it yet.
            links.dial(i, parent.node);
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
    auto peers = links.take();
    for (auto& list : peers) {
        std::sort(list.begin(), list.end());
    }
    return peers;
}

} // namespace shoal::push
