// The setup estimate: what a swarm push spends besides the transfer.
#include "plan/estimate.hpp"
#include "plan/planner.hpp"
#include "random_fleet.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

namespace {

using namespace shoal::plan;

constexpr std::uint64_t megabit = 1'000'000;
constexpr std::uint64_t kib = 1 << 10;

} // namespace

TEST_CASE("one host: every part of the setup by hand") {
    // 64 paths of 64 KiB at 8 Mbit/s (1 MB/s), 16 KiB pieces: 256 pieces.
    const Fleet fleet = testing::uniform_fleet(1, 64, 64 * kib, 8 * megabit);
    const Plan plan = make_plan(fleet, {.piece_size = 16 * kib});
    const SetupEstimate& setup = plan.estimate.setup;
    CHECK(setup.connect == doctest::Approx(setup::connect_seconds));
    CHECK(setup.agents == doctest::Approx(setup::agent_start_seconds / 6));
    CHECK(setup.assignments ==
          doctest::Approx((setup::host_bytes + 256 * setup::torrent_bytes_per_piece) / 1e6));
    CHECK(setup.framing == doctest::Approx(setup::framing * plan.estimate.swarm_seconds));
    // One hop, from the deployer.
    CHECK(setup.relay == doctest::Approx(setup::hop_seconds + setup::hop_bytes / 1e6));
    CHECK(setup.finish == doctest::Approx(setup::finish_seconds));
    CHECK(plan.estimate.total_seconds() ==
          doctest::Approx(setup.seconds() + plan.estimate.swarm_seconds));
}

TEST_CASE("hosts connect `jobs` at a time and start agents on at most six threads") {
    const Fleet fleet = testing::uniform_fleet(100, 4, 1 << 20, 100 * megabit);
    const Plan wide = make_plan(fleet, {.jobs = 64});
    CHECK(wide.estimate.setup.connect == doctest::Approx(2 * setup::connect_seconds));
    CHECK(wide.estimate.setup.agents == doctest::Approx(100 * setup::agent_start_seconds / 6));
    const Plan narrow = make_plan(fleet, {.jobs = 4});
    CHECK(narrow.estimate.setup.connect == doctest::Approx(25 * setup::connect_seconds));
    CHECK(narrow.estimate.setup.agents == doctest::Approx(100 * setup::agent_start_seconds / 4));
    // The transfer, by which plans are compared, does not depend on it.
    CHECK(narrow.estimate.swarm_seconds == doctest::Approx(wide.estimate.swarm_seconds));
    CHECK_THROWS_AS(make_plan(fleet, {.jobs = 0}), shoal::util::UsageError);
}

TEST_CASE("deeper plans pay a hop latency per wave") {
    const Fleet few = testing::uniform_fleet(4, 4, 1 << 20, 100 * megabit);
    const Fleet many = testing::uniform_fleet(200, 4, 1 << 20, 100 * megabit);
    const Plan shallow = make_plan(few, {});
    const Plan deep = make_plan(many, {});
    REQUIRE(deep.depth > shallow.depth);
    const double per_wave = setup::hop_seconds + setup::hop_bytes / 12.5e6;
    CHECK(shallow.estimate.setup.relay == doctest::Approx(shallow.depth * per_wave));
    CHECK(deep.estimate.setup.relay == doctest::Approx(deep.depth * per_wave));
}

TEST_CASE("a slow site uplink carries its hosts' assignments") {
    Fleet fleet = testing::uniform_fleet(8, 1, 1 << 20, 100 * megabit);
    for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
        fleet.hosts[i].site = i < 4 ? "a" : "b";
    }
    const Plan open = make_plan(fleet, {.piece_size = 16 * kib});
    fleet.site_uplink_bps = {{"a", megabit}, {"b", megabit}};
    const Plan behind = make_plan(fleet, {.piece_size = 16 * kib});
    // 64 pieces; 4 hosts per site at 125 kB/s, against 8 hosts at 12.5 MB/s.
    const double per_host = setup::host_bytes + 64 * setup::torrent_bytes_per_piece;
    CHECK(open.estimate.setup.assignments == doctest::Approx(8 * per_host / 12.5e6));
    CHECK(behind.estimate.setup.assignments == doctest::Approx(4 * per_host / 125e3));
}

TEST_CASE("a fleet that needs nothing costs no setup") {
    const Plan plan = make_plan(testing::uniform_fleet(0, 1, 1 << 20, megabit), {});
    CHECK(plan.estimate.setup.seconds() == 0);
    CHECK(plan.estimate.total_seconds() == 0);
}
