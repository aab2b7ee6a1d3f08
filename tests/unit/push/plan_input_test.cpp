#include "push/plan_input.hpp"

#include <doctest/doctest.h>

namespace {

shoal::inventory::Host host(std::string name, std::uint64_t bandwidth_bps) {
    shoal::inventory::Host host;
    host.name = std::move(name);
    host.bandwidth_bps = bandwidth_bps;
    return host;
}

std::vector<shoal::nix::PathInfo> one_path() {
    shoal::nix::PathInfo info;
    info.path = "/nix/store/00000000000000000000000000000000-app";
    info.nar_size = 1 << 20;
    return {info};
}

} // namespace

TEST_CASE("the deployer's uplink is the fastest link among the hosts that need something") {
    shoal::plan::Fleet fleet;
    // Up to date already: `shoal push` never plans for it, so neither may `shoal plan`.
    shoal::push::add_to_plan(fleet, host("fast", 10'000'000'000), {});
    shoal::push::add_to_plan(fleet, host("slow", 100'000'000), one_path());
    shoal::push::add_to_plan(fleet, host("medium", 1'000'000'000), one_path());

    CHECK(shoal::push::source_bandwidth(fleet, 0) == 1'000'000'000);
}

TEST_CASE("the uplink the user gave wins") {
    shoal::plan::Fleet fleet;
    shoal::push::add_to_plan(fleet, host("web", 1'000'000'000), one_path());

    CHECK(shoal::push::source_bandwidth(fleet, 200'000'000) == 200'000'000);
}

TEST_CASE("a fleet that needs nothing still gets an uplink to plan with") {
    shoal::plan::Fleet fleet;
    shoal::push::add_to_plan(fleet, host("a", 100'000'000), {});
    shoal::push::add_to_plan(fleet, host("b", 1'000'000'000), {});

    CHECK(shoal::push::source_bandwidth(fleet, 0) == 1'000'000'000);
}

TEST_CASE("a site's declared uplink goes to the planner") {
    shoal::plan::Fleet fleet;
    auto paris = host("p1", 1'000'000'000);
    paris.site = "paris";
    paris.site_uplink_bps = 100'000'000;
    auto lyon = host("l1", 1'000'000'000);
    lyon.site = "lyon";
    shoal::push::add_to_plan(fleet, paris, one_path());
    shoal::push::add_to_plan(fleet, lyon, one_path());
    CHECK(fleet.site_uplink_bps == std::map<std::string, std::uint64_t>{{"paris", 100'000'000}});
}

TEST_CASE("plans use the piece size of the push's torrent") {
    shoal::plan::Fleet fleet;
    shoal::push::add_to_plan(fleet, host("web", 1'000'000'000), one_path());
    CHECK(shoal::push::swarm_piece_size(fleet) == 16 * 1024);
    shoal::nix::PathInfo big;
    big.path = "/nix/store/11111111111111111111111111111111-big";
    big.nar_size = 1ULL << 30;
    shoal::push::add_to_plan(fleet, host("db", 1'000'000'000), {big});
    // The union of what anyone lacks: 1 GiB and 1 MiB make 512 KiB pieces.
    CHECK(shoal::push::swarm_piece_size(fleet) == 512 * 1024);
}

TEST_CASE("a torrent for many hosts has fewer, larger pieces") {
    shoal::nix::PathInfo closure;
    closure.path = "/nix/store/11111111111111111111111111111111-closure";
    closure.nar_size = 8ULL << 20;
    shoal::plan::Fleet fleet;
    for (int k = 0; k < 8; ++k) {
        shoal::push::add_to_plan(fleet, host("h" + std::to_string(k), 2'000'000), {closure});
    }
    CHECK(shoal::push::swarm_piece_size(fleet) == 16 * 1024); // 512 pieces
    for (int k = 8; k < 100; ++k) {
        shoal::push::add_to_plan(fleet, host("h" + std::to_string(k), 2'000'000), {closure});
    }
    // 100 copies of the torrent stay within 1/16 of the 8 MiB: 128 pieces.
    CHECK(shoal::push::swarm_piece_size(fleet) == 64 * 1024);
    // Hosts that lack nothing are sent no torrent.
    shoal::push::add_to_plan(fleet, host("done", 2'000'000), {});
    CHECK(shoal::push::swarm_piece_size(fleet) == 64 * 1024);
}
