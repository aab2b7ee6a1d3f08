#include "plan/planner.hpp"
#include "push/swarm_peers.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <random>
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
        auto plan = plan_for(hosts, racks);
        const auto peers = shoal::push::swarm_routes(plan).peers;
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
    auto plan = plan_for(64, 2);
    const auto peers = shoal::push::swarm_routes(plan).peers;
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

TEST_CASE("a few hosts, roots first, dial the deployer; the others get its shares relayed") {
    for (unsigned seed = 1; seed <= 40; ++seed) {
        std::mt19937 random(seed);
        shoal::plan::Fleet fleet;
        std::vector<shoal::plan::PathId> paths;
        for (int p = 0; p < 12; ++p) {
            paths.push_back(fleet.paths.add(fmt::format("/nix/store/{:032}-p", p), 1000 + p));
        }
        fleet.source_bandwidth_bps = 1'000'000'000;
        const std::size_t hosts = 2 + random() % 40;
        for (std::size_t i = 0; i < hosts; ++i) {
            shoal::plan::HostNeeds needs{fmt::format("h{}", i),
                                         fmt::format("s{}", random() % 2),
                                         fmt::format("r{}", random() % 3),
                                         1'000'000'000,
                                         {}};
            for (const auto path : paths) {
                if (random() % 2 == 0) {
                    needs.missing.push_back(path);
                }
            }
            needs.missing.push_back(paths[random() % paths.size()]);
            fleet.hosts.push_back(std::move(needs));
        }
        auto plan = shoal::plan::make_plan(fleet, {});
        const auto routes = shoal::push::swarm_routes(plan);
        const std::set<std::size_t> sourced(routes.sourced.begin(), routes.sourced.end());
        CHECK(sourced.size() == routes.sourced.size());
        CHECK(sourced.size() <= 8);
        CHECK(plan.hosts[routes.sourced.front()].tree_parent == shoal::plan::source_node);
        // What the deployer sends is wanted by the hosts that fetch it there.
        auto from_deployer = shoal::plan::PathSetPool::empty_set;
        for (const auto k : routes.sourced) {
            from_deployer = plan.sets.unite(
                from_deployer, plan.sets.unite(plan.hosts[k].missing, routes.relays[k]));
        }
        for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
            const auto& host = plan.hosts[i];
            CHECK(plan.sets.subtract(host.missing, from_deployer) ==
                  shoal::plan::PathSetPool::empty_set);
            const auto& dials = routes.peers[i];
            const bool dials_source =
                std::find(dials.begin(), dials.end(), shoal::plan::source_node) != dials.end();
            CHECK(dials_source == sourced.contains(i));
            if (dials_source) {
                continue;
            }
            // Everything it lacks is held by a host it dials, for itself or to relay.
            auto held = shoal::plan::PathSetPool::empty_set;
            for (const auto peer : dials) {
                held = plan.sets.unite(
                    held, plan.sets.unite(plan.hosts[peer].missing, routes.relays[peer]));
            }
            CHECK(plan.sets.subtract(host.missing, held) == shoal::plan::PathSetPool::empty_set);
        }
    }
}

TEST_CASE("across a separated site's slow uplink, hosts dial only their plan parents") {
    shoal::plan::Fleet fleet;
    const auto path = fleet.paths.add("/nix/store/00000000000000000000000000000000-x", 64 << 20);
    fleet.source_bandwidth_bps = 1'000'000'000;
    for (std::size_t i = 0; i < 40; ++i) {
        fleet.hosts.push_back({fmt::format("h{:02}", i),
                               i < 20 ? "near" : "far",
                               fmt::format("r{}", i % 4),
                               1'000'000'000,
                               {path}});
    }
    fleet.site_uplink_bps["far"] = 100'000'000;
    auto plan = shoal::plan::make_plan(fleet, {});
    REQUIRE(plan.separated_sites == std::vector<std::string>{"far"});
    const auto routes = shoal::push::swarm_routes(plan);
    std::size_t across = 0;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        for (const auto peer : routes.peers[i]) {
            if (peer == shoal::plan::source_node || plan.hosts[peer].zone == plan.hosts[i].zone) {
                continue;
            }
            ++across;
            const auto& parents = plan.hosts[i].parents;
            CHECK(std::any_of(parents.begin(), parents.end(),
                              [&](const auto& parent) { return parent.node == peer; }));
        }
    }
    CHECK(across == 1); // the far site's entry and its feeder
}
