// Site and rack labels: a preference where links are equal, a wall only
// where a declared site uplink is the constraint.
#include "plan/mesh_peers.hpp"
#include "plan/planner.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <optional>

namespace {

using namespace shoal::plan;

constexpr std::uint64_t mib = 1 << 20;
constexpr std::uint64_t mbit = 1'000'000;

// `sites` x `racks` labelled hosts (or all unlabelled), `hosts` in all,
// each lacking one 16 MiB closure in 4 paths, on equal links.
Fleet fleet_of(std::size_t hosts, std::size_t sites, std::size_t racks, bool labelled,
               std::uint64_t link_bps = 20 * mbit) {
    Fleet fleet;
    fleet.source_bandwidth_bps = link_bps;
    std::vector<PathId> closure;
    for (int p = 0; p < 4; ++p) {
        closure.push_back(fleet.paths.add(fmt::format("/nix/store/p{}", p), 4 * mib));
    }
    for (std::size_t i = 0; i < hosts; ++i) {
        const std::size_t site = i * sites / hosts;
        const std::size_t rack = (i * sites * racks / hosts) % racks;
        fleet.hosts.push_back({fmt::format("h{:04}", i), labelled ? fmt::format("s{}", site) : "-",
                               labelled ? fmt::format("r{}", rack) : "-", link_bps, closure});
    }
    return fleet;
}

std::size_t entries_into(const Plan& plan, const std::string& site) {
    std::size_t entries = 0;
    for (const auto& host : plan.hosts) {
        bool entered = false;
        for (const auto& parent : host.parents) {
            entered =
                entered || parent.node == source_node || plan.hosts[parent.node].site != host.site;
        }
        entries += host.site == site && entered ? 1 : 0;
    }
    return entries;
}

} // namespace

TEST_CASE("on equal links a labelled fleet plans like the same fleet unlabelled") {
    for (const std::size_t hosts : {32, 100, 1000}) {
        CAPTURE(hosts);
        const Plan labelled = make_plan(fleet_of(hosts, 2, 4, true), {});
        const Plan unlabelled = make_plan(fleet_of(hosts, 2, 4, false), {});
        CHECK(labelled.separated_sites.empty());
        CHECK(labelled.depth == unlabelled.depth);
        CHECK(labelled.estimate.swarm_seconds ==
              doctest::Approx(unlabelled.estimate.swarm_seconds).epsilon(0.10));
        CHECK(labelled.links.deployer_egress == unlabelled.links.deployer_egress);
        std::size_t fed_by_deployer = 0;
        for (const auto& host : labelled.hosts) {
            fed_by_deployer += host.tree_parent == source_node ? 1 : 0;
        }
        CHECK(fed_by_deployer == 1);
    }
    // Equal hosts are dealt out depth-first, so subtrees keep to a rack.
    const auto& links = make_plan(fleet_of(1000, 2, 4, true), {}).links;
    CHECK(links.in_rack > 4 * (links.cross_rack + links.cross_site));
}

TEST_CASE("a declared uplink that cannot fill up changes nothing") {
    Fleet fleet = fleet_of(32, 2, 4, true);
    fleet.site_uplink_bps["s1"] = 16 * 20 * mbit; // all 16 hosts of s1 at full speed
    const Plan declared = make_plan(fleet, {});
    const Plan undeclared = make_plan(fleet_of(32, 2, 4, true), {});
    CHECK(declared.separated_sites.empty());
    CHECK(declared.depth == undeclared.depth);
    CHECK(declared.estimate.swarm_seconds == doctest::Approx(undeclared.estimate.swarm_seconds));
}

TEST_CASE("mesh peers are mostly rack-local, some across racks and sites") {
    const Plan plan = make_plan(fleet_of(64, 2, 4, true), {});
    const auto peers = mesh_peers(plan, 3);
    std::size_t in_rack = 0;
    std::size_t cross_rack = 0;
    std::size_t cross_site = 0;
    for (std::size_t i = 0; i < peers.size(); ++i) {
        const auto& host = plan.hosts[i];
        CHECK(!peers[i].empty());
        for (const std::size_t peer : peers[i]) {
            CHECK(peer != i);
            const auto& other = plan.hosts[peer];
            (other.site != host.site   ? cross_site
             : other.rack != host.rack ? cross_rack
                                       : in_rack) += 1;
        }
    }
    CHECK(in_rack > cross_rack + cross_site);
    CHECK(cross_rack > 0);
    CHECK(cross_site > 0);
}

TEST_CASE("a slow site link is entered once, and that beats planning blind") {
    // Site s1's uplink carries 8 Mbit/s, less than one host's 20 Mbit/s.
    Fleet fleet = fleet_of(32, 2, 4, true);
    fleet.site_uplink_bps["s1"] = 8 * mbit;
    const Plan aware = make_plan(fleet, {});
    const Plan blind = make_plan(fleet, {.fanout = 4, .respect_site_links = false});
    REQUIRE(aware.separated_sites == std::vector<std::string>{"s1"});
    CHECK(blind.separated_sites.empty());
    CHECK(entries_into(aware, "s1") == 1);
    CHECK(entries_into(blind, "s1") > 1);
    // About one copy crosses the site link: 16 MiB in, nothing out.
    CHECK(aware.links.cross_site == 16 * mib);
    // At 1 MB/s one copy takes 16.8 s, plus a piece time per hop; the blind
    // plan sends several copies through the site link.
    MESSAGE("aware ", aware.estimate.swarm_seconds, " s, blind ", blind.estimate.swarm_seconds,
            " s");
    CHECK(aware.estimate.swarm_seconds > 16.0 * mib / 1e6);
    CHECK(aware.estimate.swarm_seconds < 0.6 * blind.estimate.swarm_seconds);
    // Site s0, whose link is not declared, still plans as one mesh.
    for (const auto& host : aware.hosts) {
        CHECK(host.zone == (host.site == "s1" ? aware.hosts.back().zone : aware.hosts[0].zone));
    }
}
