#include "plan/planner.hpp"
#include "plan/simulator.hpp"
#include "random_fleet.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <numeric>

namespace {

using namespace shoal::plan;

constexpr std::uint64_t gigabit = 1'000'000'000;
constexpr std::uint64_t mib = 1 << 20;

// No schedule beats the deployer's uplink for the bytes anyone needs, nor any
// host's own link for the bytes it receives.
double physical_bound(const Plan& plan) {
    double bound = static_cast<double>(plan.union_bytes) * 8.0 /
                   static_cast<double>(plan.source_bandwidth_bps);
    for (const auto& host : plan.hosts) {
        bound = std::max(bound, static_cast<double>(plan.received_bytes(host)) * 8.0 /
                                    static_cast<double>(host.bandwidth_bps));
    }
    return bound;
}

} // namespace

TEST_CASE("random fleets: the simulation respects physics and tracks the estimate") {
    // The estimate is a one-pass closed form over the same model. It assumes
    // a rack's mesh passes pieces on at the rack's rate, which random subsets
    // undercut (few mesh peers hold what a host needs), and it charges each
    // cross-rack child a full share of its feeder's link, which the swarm
    // beats when streams end early. Over 1,440 random fleets (random and
    // equal link speeds) the simulation took 0.17x to 3.0x the estimate;
    // below 64 pieces hop latency dominates and the ratio means little, so it
    // is not checked there.
    std::uint64_t seed = 1000;
    for (const std::size_t size : {1, 2, 5, 20, 60, 150}) {
        for (int round = 0; round < 6; ++round, ++seed) {
            CAPTURE(seed);
            CAPTURE(size);
            const Fleet fleet = testing::random_fleet(seed, size);
            const Plan plan = make_plan(fleet, {.piece_size = 64 << 10});
            if (plan.hosts.empty()) {
                continue;
            }
            const SimulationResult result = simulate(plan, {.piece_size = 64 << 10});
            CHECK(result.total_seconds >= physical_bound(plan) * 0.999);
            if (result.pieces >= 64) {
                CHECK(result.total_seconds >= plan.estimate.swarm_seconds * 0.15);
                CHECK(result.total_seconds <= plan.estimate.swarm_seconds * 3.2);
            }
            CHECK(result.source_egress_bytes == plan.union_bytes);
            REQUIRE(result.wave_seconds.size() == plan.depth);
            CHECK(*std::max_element(result.wave_seconds.begin(), result.wave_seconds.end()) ==
                  result.total_seconds);
            REQUIRE(result.host_seconds.size() == plan.hosts.size());
        }
    }
}

TEST_CASE("equal hosts and needs: the simulation takes 0.9x to 2.6x the estimate") {
    // Sites x racks x hosts per rack. One rack comes close to S/B and so does
    // the estimate, up to rounding to whole pieces (seen: 0.99x); where a
    // host must also stream into another rack, its own rack's uploads slow
    // (seen: up to 2.5x).
    const std::size_t shapes[][3] = {{1, 1, 5}, {1, 1, 60}, {1, 4, 8},
                                     {4, 2, 4}, {30, 1, 1}, {3, 3, 10}};
    for (const auto& [sites, racks, per_rack] : shapes) {
        CAPTURE(sites);
        CAPTURE(racks);
        Fleet fleet = testing::uniform_fleet(0, 16, 4 * mib, gigabit);
        for (std::size_t s = 0; s < sites; ++s) {
            for (std::size_t r = 0; r < racks; ++r) {
                for (std::size_t h = 0; h < per_rack; ++h) {
                    std::vector<PathId> all(16);
                    std::iota(all.begin(), all.end(), 0);
                    fleet.hosts.push_back({fmt::format("s{}-r{}-h{}", s, r, h),
                                           fmt::format("s{}", s), fmt::format("r{}", r), gigabit,
                                           all});
                }
            }
        }
        const Plan plan = make_plan(fleet, {.piece_size = mib});
        const SimulationResult result = simulate(plan, {.piece_size = mib});
        CHECK(result.total_seconds >= physical_bound(plan));
        CHECK(result.total_seconds >= 0.9 * plan.estimate.swarm_seconds);
        CHECK(result.total_seconds <= 2.6 * plan.estimate.swarm_seconds);
    }
}

TEST_CASE("one rack of equal hosts: close to S/B, far from the direct push") {
    // 64 hosts, 256 MiB in 1 MiB pieces at 1 Gbit/s: S/B = 2.15 s.
    const Fleet fleet = testing::uniform_fleet(64, 8, 32 * mib, gigabit);
    const Plan plan = make_plan(fleet, {.piece_size = mib});
    const SimulationResult result = simulate(plan, {.piece_size = mib});
    const double bound = 256.0 * mib * 8 / gigabit;
    CHECK(result.total_seconds >= bound);
    CHECK(result.total_seconds <= 1.5 * bound);
    CHECK(result.pieces == 256);
    CHECK(result.transfers == 64 * 256);
    // Direct: the deployer's uplink carries every host's copy.
    CHECK(plan.estimate.direct_seconds == doctest::Approx(64 * bound));
}

TEST_CASE("pieces never span two paths") {
    Fleet fleet;
    fleet.source_bandwidth_bps = gigabit;
    const PathId a = fleet.paths.add("/nix/store/a", mib + 1);
    const PathId b = fleet.paths.add("/nix/store/b", 1);
    fleet.hosts = {{"h1", "s", "r", gigabit, {a, b}}};
    const SimulationResult result = simulate(make_plan(fleet, {}), {.piece_size = mib});
    CHECK(result.pieces == 3);
    CHECK(result.total_seconds == doctest::Approx((mib + 2.0) * 8 / gigabit));
}

TEST_CASE("a zero piece size is a usage error") {
    const Plan plan = make_plan(testing::uniform_fleet(2, 1, mib, gigabit), {});
    CHECK_THROWS_AS(simulate(plan, {.piece_size = 0}), shoal::util::UsageError);
}

TEST_CASE("two sites the deployer feeds itself: each gets every piece once, and completes") {
    // 16 hosts at 1 Gbit/s in two sites behind 250 Mbit/s uplinks; the
    // deployer's 1 Gbit/s has room for both.
    Fleet fleet = testing::uniform_fleet(16, 8, 4 * mib, gigabit);
    for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
        fleet.hosts[i].site = i % 2 == 0 ? "a" : "b";
    }
    fleet.site_uplink_bps = {{"a", gigabit / 4}, {"b", gigabit / 4}};
    const Plan plan = make_plan(fleet, {.piece_size = mib});
    REQUIRE(plan.separated_sites.size() == 2);
    // Each site's slices hold every piece: no host waits for the other site (a
    // stall would throw).
    SimulationResult result;
    REQUIRE_NOTHROW(result = simulate(plan, {.piece_size = mib}));
    CHECK(result.source_egress_bytes == 2 * plan.union_bytes);
    CHECK(result.total_seconds >= physical_bound(plan));
    CHECK(result.host_seconds.size() == 16);
}
