// Small fleets whose plans are checked host by host.
#include "plan/planner.hpp"
#include "random_fleet.hpp"

#include <doctest/doctest.h>

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
    CHECK(shape(plan) == std::vector<std::string>{"h1<-@source@1", "h2<-h1@2", "h3<-h1@2",
                                                  "h4<-h1@2", "h5<-h2@3", "h6<-h2@3"});
    CHECK(plan.links.deployer_egress == 200 * mib);
    CHECK(plan.links.in_rack == 5 * 200 * mib);
    // Direct: six hosts share the deployer's 125 MB/s.
    CHECK(plan.estimate.direct_seconds == doctest::Approx(6 * 200.0 * mib / 125e6));
}

TEST_CASE("two sites of two racks: every rack and site is entered once") {
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
    // Each rack's second host feeds the next rack or site, so every host
    // uploads one stream at full speed: a pipelined chain, 8 pieces deep.
    CHECK(shape(plan) == std::vector<std::string>{"a-r1-1<-@source@1", "a-r1-2<-a-r1-1@2",
                                                  "a-r2-1<-a-r1-2@3", "a-r2-2<-a-r2-1@4",
                                                  "b-r1-1<-a-r2-2@5", "b-r1-2<-b-r1-1@6",
                                                  "b-r2-1<-b-r1-2@7", "b-r2-2<-b-r2-1@8"});
    CHECK(plan.links.deployer_egress == 64 * mib);
    CHECK(plan.links.cross_site == 64 * mib);
    CHECK(plan.links.cross_rack == 2 * 64 * mib);
    CHECK(plan.links.in_rack == 4 * 64 * mib);
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
    // x2 needs the most bytes, so it enters site x and relays a and b for
    // x1 and x3; y1 takes c from x2 across the site link.
    CHECK(shape(plan) ==
          std::vector<std::string>{"x2<-@source@1", "x1<-x2@2", "x3<-x2@2", "y1<-x2@2"});
    CHECK(plan.sets.bytes(plan.hosts[0].receives) == 70 * mib);
    CHECK(plan.sets.bytes(plan.hosts[0].missing) == 40 * mib);
    CHECK(plan.links.deployer_egress == 70 * mib);
    CHECK(plan.links.cross_site == 40 * mib);
}

TEST_CASE("a path nobody upstream needs comes from the deployer, once") {
    Fleet fleet;
    fleet.source_bandwidth_bps = gigabit;
    const PathId a = fleet.paths.add("/nix/store/a", 10 * mib);
    const PathId b = fleet.paths.add("/nix/store/b", 20 * mib);
    fleet.hosts = {{"x1", "x", "r", gigabit, {a}},
                   {"y1", "y", "r", gigabit, {a, b}},
                   {"z1", "z", "r", gigabit, {b}}};
    Plan plan = make_plan(fleet, {.fanout = 4});
    // Sites are equal in size, so they go by name: x1 is the root; y1 gets a
    // from x1 and b from the deployer; z1 gets b from y1, not the deployer.
    CHECK(shape(plan) == std::vector<std::string>{"x1<-@source@1", "y1<-x1+@source@2", "z1<-y1@3"});
    CHECK(plan.links.deployer_egress == 30 * mib);
    CHECK(plan.links.cross_site == 30 * mib);
}
