// Small fleets whose plans are checked host by host.
#include "plan/deployer_slices.hpp"
#include "plan/planner.hpp"
#include "random_fleet.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>

namespace {

using namespace shoal::plan;

constexpr std::uint64_t gigabit = 1'000'000'000;
constexpr std::uint64_t mib = 1 << 20;

// "name<-parent1+parent2@wave" for every host, in plan order.
std::vector<std::string> shape(const Plan& plan) {
    std::vector<std::string> lines;
    for (const auto& host : plan.hosts) {
        std::string line = host.name + "<-";
        for (std::size_t p = 0; p < host.parents.size(); ++p) {
            line += (p == 0 ? "" : "+") + plan.node_name(host.parents[p].node);
        }
        lines.push_back(line + "@" + std::to_string(host.wave));
    }
    return lines;
}

} // namespace

TEST_CASE("one host: the deployer sends it everything") {
    const Fleet fleet = testing::uniform_fleet(1, 4, 256 * mib, gigabit);
    const Plan plan = make_plan(fleet, {});
    CHECK(shape(plan) == std::vector<std::string>{"h1<-@source@1"});
    CHECK(plan.links.deployer_egress == 1024 * mib);
    CHECK(plan.links.cross_site + plan.links.cross_rack + plan.links.in_rack == 0);
    // 1 GiB plus one 4 MiB piece at 125 MB/s; direct: 1 GiB at 125 MB/s.
    CHECK(plan.estimate.swarm_seconds == doctest::Approx((1028.0 * mib) / 125e6));
    CHECK(plan.estimate.direct_seconds == doctest::Approx((1024.0 * mib) / 125e6));
}

TEST_CASE("one rack: K-1 children per host, the deployer feeds one") {
    const Fleet fleet = testing::uniform_fleet(6, 2, 100 * mib, gigabit);
    const Plan plan = make_plan(fleet, {.fanout = 4});
    // Equal hosts are dealt out depth-first, so each subtree is a run of
    // names (of rack-mates, in a labelled fleet): h2's subtree is h2 to h4.
    CHECK(shape(plan) == std::vector<std::string>{"h1<-@source@1", "h2<-h1@2", "h5<-h1@2",
                                                  "h6<-h1@2", "h3<-h2@3", "h4<-h2@3"});
    CHECK(plan.links.deployer_egress == 200 * mib);
    CHECK(plan.links.in_rack == 5 * 200 * mib);
    // Direct: six hosts share the deployer's 125 MB/s.
    CHECK(plan.estimate.direct_seconds == doctest::Approx(6 * 200.0 * mib / 125e6));
}

TEST_CASE("two sites of two racks on equal links: the labels do not shape the tree") {
    Fleet fleet;
    fleet.source_bandwidth_bps = gigabit;
    const PathId path = fleet.paths.add("/nix/store/a", 64 * mib);
    for (const char* site : {"a", "b"}) {
        for (const char* rack : {"r1", "r2"}) {
            for (const char* host : {"1", "2"}) {
                fleet.hosts.push_back(
                    {std::string(site) + "-" + rack + "-" + host, site, rack, gigabit, {path}});
            }
        }
    }
    const Plan plan = make_plan(fleet, {.fanout = 4});
    // The tree of 8 unlabelled hosts, 3 levels deep; labels only order
    // equal hosts, dealt out depth-first (a-r1-2's subtree is a-r1-2 to
    // b-r1-1). With racks of two, most edges still leave their rack.
    CHECK(shape(plan) == std::vector<std::string>{"a-r1-1<-@source@1", "a-r1-2<-a-r1-1@2",
                                                  "b-r1-2<-a-r1-1@2", "b-r2-2<-a-r1-1@2",
                                                  "a-r2-1<-a-r1-2@3", "a-r2-2<-a-r1-2@3",
                                                  "b-r1-1<-a-r1-2@3", "b-r2-1<-b-r1-2@3"});
    CHECK(plan.links.deployer_egress == 64 * mib);
    CHECK(plan.links.cross_site == 3 * 64 * mib);
    CHECK(plan.links.cross_rack == 3 * 64 * mib);
    CHECK(plan.links.in_rack == 1 * 64 * mib);
}

TEST_CASE("a slow site uplink: the site is entered once, from the other site") {
    Fleet fleet;
    fleet.source_bandwidth_bps = gigabit;
    const PathId path = fleet.paths.add("/nix/store/a", 64 * mib);
    for (const char* site : {"a", "b"}) {
        for (const char* host : {"1", "2", "3"}) {
            fleet.hosts.push_back({std::string(site) + host, site, "r", gigabit, {path}});
        }
    }
    fleet.site_uplink_bps["b"] = gigabit / 10;
    const Plan plan = make_plan(fleet, {.fanout = 4});
    CHECK(shape(plan) == std::vector<std::string>{"a1<-@source@1", "a2<-a1@2", "a3<-a1@2",
                                                  "b1<-a2@3", "b2<-b1@4", "b3<-b1@4"});
    CHECK(plan.links.cross_site == 64 * mib);
}

TEST_CASE("different needs: entries relay, and the deployer sends each path once") {
    Fleet fleet;
    fleet.source_bandwidth_bps = gigabit;
    const PathId a = fleet.paths.add("/nix/store/a", 10 * mib);
    const PathId b = fleet.paths.add("/nix/store/b", 20 * mib);
    const PathId c = fleet.paths.add("/nix/store/c", 40 * mib);
    fleet.hosts = {
        {"x1", "x", "r", gigabit, {a, b}}, {"x2", "x", "r", gigabit, {c}},
        {"x3", "x", "r", gigabit, {b}},    {"y1", "y", "r", gigabit, {c}},
        {"idle", "x", "r", gigabit, {}},
    };
    Plan plan = make_plan(fleet, {.fanout = 4});
    // x2 needs the most bytes (y1 as many, but x comes first), so it is the
    // root and relays a and b for x1 and x3; y1 takes c from x2.
    CHECK(shape(plan) ==
          std::vector<std::string>{"x2<-@source@1", "y1<-x2@2", "x1<-x2@2", "x3<-x2@2"});
    CHECK(plan.sets.bytes(plan.hosts[0].receives) == 70 * mib);
    CHECK(plan.sets.bytes(plan.hosts[0].missing) == 40 * mib);
    CHECK(plan.links.deployer_egress == 70 * mib);
    CHECK(plan.links.cross_site == 40 * mib);
}

namespace {

// Sites x (x1, x2: path a), y (y1: a and b) and z (z1: b), each behind a
// 100 Mbit/s uplink: each is its own zone, the largest (x) first.
Fleet three_slow_sites(std::uint64_t deployer_bps) {
    Fleet fleet;
    fleet.source_bandwidth_bps = deployer_bps;
    const PathId a = fleet.paths.add("/nix/store/a", 10 * mib);
    const PathId b = fleet.paths.add("/nix/store/b", 20 * mib);
    fleet.hosts = {{"x1", "x", "r", gigabit, {a}},
                   {"x2", "x", "r", gigabit, {a}},
                   {"y1", "y", "r", gigabit, {a, b}},
                   {"z1", "z", "r", gigabit, {b}}};
    for (const char* site : {"x", "y", "z"}) {
        fleet.site_uplink_bps[site] = gigabit / 10;
    }
    return fleet;
}

} // namespace

TEST_CASE("a path nobody upstream needs comes from the deployer, once") {
    // No faster than one site's link: the deployer feeds one zone.
    const Fleet fleet = three_slow_sites(gigabit / 10);
    Plan plan = make_plan(fleet, {.fanout = 4});
    // y1 gets a from x2 and b from the deployer; z1 gets b from y1, not the
    // deployer.
    CHECK(shape(plan) ==
          std::vector<std::string>{"x1<-@source@1", "x2<-x1@2", "y1<-x2+@source@3", "z1<-y1@4"});
    CHECK(plan.links.deployer_egress == 30 * mib);
    CHECK(plan.links.cross_site == 30 * mib);
}

TEST_CASE("a deployer with room for several slow site links feeds each site itself") {
    SUBCASE("room for every site: each gets its union from the deployer, no byte crosses sites") {
        Plan plan = make_plan(three_slow_sites(gigabit / 10 * 3), {.fanout = 4});
        CHECK(shape(plan) == std::vector<std::string>{"x1<-@source@1", "y1<-@source@1",
                                                      "z1<-@source@1", "x2<-x1@2"});
        CHECK(plan.links.deployer_egress == 60 * mib);
        CHECK(plan.links.cross_site == 0);
        // One slice at least for each site's root, the rest spread.
        std::set<std::string> sliced;
        for (const auto i : plan.deployer_slice_hosts) {
            sliced.insert(plan.hosts[i].name);
        }
        CHECK(sliced == std::set<std::string>{"x1", "x2", "y1", "z1"});
    }
    SUBCASE("room for two: the third site is entered from a host of another") {
        Plan plan = make_plan(three_slow_sites(gigabit / 10 * 2), {.fanout = 4});
        CHECK(shape(plan) ==
              std::vector<std::string>{"x1<-@source@1", "y1<-@source@1", "x2<-x1@2", "z1<-y1@2"});
        CHECK(plan.links.deployer_egress == 40 * mib);
        CHECK(plan.links.cross_site == 20 * mib);
    }
}

TEST_CASE("the deployer feeds no more sites itself than it has slices") {
    // Ten sites behind 100 Mbit/s links and a deployer with room for all of
    // them: each zone it feeds needs a slice of its own, and it has 8.
    Fleet fleet;
    fleet.source_bandwidth_bps = 10 * gigabit;
    const PathId a = fleet.paths.add("/nix/store/a", 10 * mib);
    for (int site = 0; site < 10; ++site) {
        const std::string name = "s" + std::to_string(site);
        fleet.site_uplink_bps[name] = gigabit / 10;
        for (int host = 0; host < 2; ++host) {
            fleet.hosts.push_back({name + "-" + std::to_string(host), name, "r", gigabit, {a}});
        }
    }
    const Plan plan = make_plan(fleet, {.fanout = 4});
    REQUIRE(plan.separated_sites.size() == 10);
    std::set<std::size_t> roots;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        if (plan.hosts[i].tree_parent == source_node) {
            roots.insert(i);
        }
    }
    CHECK(roots.size() == max_deployer_slices);
    // Every root fetches a slice.
    const std::set<std::size_t> sliced(plan.deployer_slice_hosts.begin(),
                                       plan.deployer_slice_hosts.end());
    CHECK(std::includes(sliced.begin(), sliced.end(), roots.begin(), roots.end()));
    CHECK(plan.links.deployer_egress == 8 * 10 * mib);
}
