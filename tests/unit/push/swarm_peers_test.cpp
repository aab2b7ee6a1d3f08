#include "plan/planner.hpp"
#include "push/swarm_peers.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <set>

namespace {

shoal::plan::Plan plan_for(std::size_t hosts, std::size_t racks) {
    shoal::plan::Fleet fleet;
    const auto path = fleet.paths.add("/nix/store/00000000000000000000000000000000-x", 1 << 20);
    fleet.source_bandwidth_bps = 1'000'000'000;
    for (std::size_t i = 0; i < hosts; ++i) {
        fleet.hosts.push_back(
            {fmt::format("h{}", i), "site", fmt::format("r{}", i % racks), 1'000'000'000, {path}});
    }
    return shoal::plan::make_plan(fleet, {});
}

} // namespace

TEST_CASE("every host dials its parents, and no pair of hosts is linked twice") {
    for (const auto& [hosts, racks] : {std::pair{1, 1}, {2, 1}, {7, 1}, {40, 3}, {200, 8}}) {
        const auto plan = plan_for(hosts, racks);
        const auto peers = shoal::push::swarm_peers(plan);
        REQUIRE(peers.size() == plan.hosts.size());
        std::set<std::pair<std::size_t, std::size_t>> links;
        for (std::size_t i = 0; i < peers.size(); ++i) {
            for (const auto& parent : plan.hosts[i].parents) {
                CHECK(std::count(peers[i].begin(), peers[i].end(), parent.node) == 1);
            }
            for (const auto peer : peers[i]) {
                CHECK(peer != i);
                if (peer != shoal::plan::source_node) {
                    CHECK(links.insert({std::min(i, peer), std::max(i, peer)}).second);
                }
            }
        }
    }
}

TEST_CASE("hosts of a rack form a mesh beyond their tree") {
    const auto plan = plan_for(64, 2);
    const auto peers = shoal::push::swarm_peers(plan);
    std::vector<std::size_t> degree(plan.hosts.size());
    for (std::size_t i = 0; i < peers.size(); ++i) {
        for (const auto peer : peers[i]) {
            if (peer != shoal::plan::source_node) {
                ++degree[i];
                ++degree[peer];
            }
        }
    }
    for (const auto d : degree) {
        CHECK(d >= 6);
    }
}
