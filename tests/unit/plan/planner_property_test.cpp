// Properties every plan must have, checked on many random fleets.
#include "plan/deployer_slices.hpp"
#include "plan/planner.hpp"
#include "random_fleet.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <map>
#include <set>

namespace {

using namespace shoal::plan;

// Depth bound: a zone's own tree has K-1 children per host, and every host
// offers one cheap slot to another zone (a separated site), so the tree
// grows by a constant factor every few levels: in the worst case (every host
// its own zone) a host's first outside child is one level down and each
// later one 6 levels down, a factor of 2 per 7 levels at least. On top, the
// planner trades a bounded number of levels for bandwidth: a slot costs 6
// levels per halving of its host's link below the fastest (at most 3, see
// tree.cpp), so it may go up to about 18 levels deeper rather than load a
// slow host. Hence
//     depth <= 7 * ceil(log_{K-1}(N)) + 42.
// Without separated sites the tree is one breadth-first tree:
//     depth <= ceil(log_{K-1}(N)) + 1.
unsigned depth_bound(std::size_t hosts, unsigned fanout, bool separated_sites) {
    const double levels = std::ceil(std::log(static_cast<double>(std::max<std::size_t>(hosts, 2))) /
                                    std::log(static_cast<double>(fanout - 1)));
    return separated_sites ? 7 * static_cast<unsigned>(levels) + 42
                           : static_cast<unsigned>(levels) + 1;
}

void check_invariants(const Fleet& fleet, Plan& plan, unsigned fanout) {
    // Every needing host exactly once, nobody else.
    std::map<std::string, const HostNeeds*> needing;
    for (const auto& host : fleet.hosts) {
        if (!host.missing.empty()) {
            needing[host.name] = &host;
        }
    }
    REQUIRE(plan.hosts.size() == needing.size());
    std::set<std::string> seen;
    for (const auto& host : plan.hosts) {
        REQUIRE(needing.count(host.name) == 1);
        REQUIRE(seen.insert(host.name).second);
        CHECK(plan.sets.paths(host.missing) ==
              plan.sets.paths(plan.sets.intern(needing[host.name]->missing)));
    }

    std::map<std::size_t, unsigned> tree_children;
    std::map<std::string, std::set<std::string>> site_entries;
    std::uint64_t received = 0;
    std::uint64_t from_source = 0;
    PathSetId needed = PathSetPool::empty_set;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        needed = plan.sets.unite(needed, host.missing);
        received += plan.received_bytes(host);
        ++tree_children[host.tree_parent];
        CHECK(host.wave >= 1);
        CHECK(host.wave <= plan.depth);
        // A host receives at least what it misses.
        CHECK(plan.sets.subtract(host.missing, host.receives) == PathSetPool::empty_set);
        // Parents come earlier, in earlier waves, hold what they send, and
        // together send exactly what the host receives, each path once.
        REQUIRE(!host.parents.empty());
        PathSetId covered = PathSetPool::empty_set;
        std::uint64_t share_bytes = 0;
        bool only_source = true;
        for (const auto& parent : host.parents) {
            CHECK(parent.bytes == plan.sets.bytes(parent.paths));
            CHECK(parent.bytes > 0);
            share_bytes += parent.bytes;
            covered = plan.sets.unite(covered, parent.paths);
            if (parent.node == source_node) {
                from_source += parent.bytes;
                site_entries[host.site].insert(host.name);
                continue;
            }
            only_source = false;
            REQUIRE(parent.node < i);
            const auto& from = plan.hosts[parent.node];
            CHECK(from.wave < host.wave);
            CHECK(plan.sets.subtract(parent.paths, from.receives) == PathSetPool::empty_set);
            if (from.site != host.site) {
                site_entries[host.site].insert(host.name);
            }
        }
        CHECK(covered == host.receives);
        CHECK(share_bytes == plan.received_bytes(host)); // shares are disjoint
        CHECK((host.wave == 1) == only_source);
        // Only entries of a zone relay paths they do not need.
        const bool entry =
            host.tree_parent == source_node || plan.hosts[host.tree_parent].zone != host.zone;
        CHECK((entry || host.receives == host.missing));
    }
    // The deployer feeds one root per zone, several only while its uplink
    // has room for each one's way in (its link, or its site's uplink).
    std::set<std::size_t> fed_zones;
    std::uint64_t ways_in = 0;
    for (const auto& host : plan.hosts) {
        if (host.tree_parent == source_node) {
            CHECK(fed_zones.insert(host.zone).second);
            const auto uplink = fleet.site_uplink_bps.find(host.site);
            const bool separated =
                std::find(plan.separated_sites.begin(), plan.separated_sites.end(), host.site) !=
                plan.separated_sites.end();
            ways_in += separated && uplink != fleet.site_uplink_bps.end()
                           ? std::min(host.bandwidth_bps, uplink->second)
                           : host.bandwidth_bps;
        }
    }
    if (!plan.hosts.empty()) {
        CHECK(tree_children[source_node] == fed_zones.size());
        CHECK(fed_zones.size() <= max_deployer_slices); // each fed zone needs a slice
        CHECK((fed_zones.size() == 1 || ways_in <= fleet.source_bandwidth_bps));
        tree_children.erase(source_node);
    }
    for (const auto& [node, children] : tree_children) {
        CHECK(children <= fanout);
    }
    // A separated site is entered once: its uplink carries each byte once.
    for (const auto& site : plan.separated_sites) {
        CHECK_MESSAGE(site_entries[site].size() == 1, "site ", site, " entered by ",
                      site_entries[site].size());
    }
    CHECK(plan.depth <= depth_bound(plan.hosts.size(), fanout, !plan.separated_sites.empty()));
    // The deployer sends each needed byte once per zone it feeds, once with one.
    CHECK(plan.union_bytes == plan.sets.bytes(needed));
    CHECK(from_source >= plan.union_bytes);
    CHECK(from_source <= plan.union_bytes * std::max<std::size_t>(fed_zones.size(), 1));
    CHECK((fed_zones.size() > 1 || from_source == plan.union_bytes));
    CHECK(plan.links.deployer_egress == from_source);
    const auto& links = plan.links;
    CHECK(links.deployer_egress + links.cross_site + links.cross_rack + links.in_rack == received);
}

} // namespace

TEST_CASE("random fleets: every plan keeps its invariants") {
    const std::size_t sizes[] = {1, 2, 3, 5, 8, 13, 40, 100, 250, 700, 2000};
    std::uint64_t seed = 1;
    for (const std::size_t size : sizes) {
        for (int round = 0; round < (size > 500 ? 3 : 12); ++round, ++seed) {
            for (const unsigned fanout : {3U, 4U, 8U}) {
                CAPTURE(seed);
                CAPTURE(size);
                CAPTURE(fanout);
                Fleet fleet = testing::random_fleet(seed, size);
                Plan plan = make_plan(fleet, {.fanout = fanout});
                check_invariants(fleet, plan, fanout);
                testing::add_random_site_uplinks(seed, fleet);
                Plan with_uplinks = make_plan(fleet, {.fanout = fanout});
                check_invariants(fleet, with_uplinks, fanout);
            }
        }
    }
}

TEST_CASE("sites with one host each still give a logarithmic tree") {
    Fleet fleet = testing::uniform_fleet(0, 4, 1 << 20, 1'000'000'000);
    for (std::size_t i = 0; i < 2000; ++i) {
        fleet.hosts.push_back(
            {fmt::format("h{}", i), fmt::format("s{}", i), "r", 1'000'000'000, {0, 1, 2, 3}});
    }
    Plan plan = make_plan(fleet, {});
    check_invariants(fleet, plan, 4);
    MESSAGE("depth for 2000 one-host sites: ", plan.depth);
}

TEST_CASE("bad options are usage errors") {
    const Fleet fleet = testing::uniform_fleet(3, 1, 100, 1000);
    CHECK_THROWS_AS(make_plan(fleet, {.fanout = 2}), shoal::util::UsageError);
    Fleet silent = fleet;
    silent.source_bandwidth_bps = 0;
    CHECK_THROWS_AS(make_plan(silent, {}), shoal::util::UsageError);
    Fleet slow = fleet;
    slow.hosts[1].bandwidth_bps = 0;
    CHECK_THROWS_WITH_AS(make_plan(slow, {}), "host h2 has no bandwidth", shoal::util::UsageError);
    Fleet cut_off = fleet;
    cut_off.site_uplink_bps["site"] = 0;
    CHECK_THROWS_WITH_AS(make_plan(cut_off, {}), "site site has no uplink bandwidth",
                         shoal::util::UsageError);
    Fleet unknown = fleet;
    unknown.hosts[0].missing.push_back(7);
    CHECK_THROWS_AS(make_plan(unknown, {}), shoal::util::Error);
}
