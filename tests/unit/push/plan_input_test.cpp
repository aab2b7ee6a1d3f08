#include "io/zstd_stream.hpp"
#include "push/plan_input.hpp"
#include "support/memory_streams.hpp"
#include "support/temporary_directory.hpp"

#include <doctest/doctest.h>
#include <fstream>

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

TEST_CASE("paths the NAR cache holds compressed count at their compressed size") {
    TemporaryDirectory staging;
    auto paths = one_path();
    paths[0].nar_hash = "sha256:" + std::string(52, 'a');
    shoal::nix::PathInfo other = paths[0];
    other.path = "/nix/store/11111111111111111111111111111111-lib";
    other.nar_hash = "sha256:" + std::string(52, 'b');
    paths.push_back(other);
    shoal::plan::Fleet fleet;
    shoal::push::add_to_plan(fleet, host("a", 100'000'000), paths);

    // The first path, staged by an earlier push: 1 MiB of zeros in one zstd frame.
    shoal::test::StringSink compressed;
    {
        shoal::io::ZstdSink zstd(compressed, paths[0].nar_size);
        const std::string zeros(paths[0].nar_size, '\0');
        zstd.write(std::span<const char>(zeros.data(), zeros.size()));
        zstd.finish();
    }
    const auto file = staging.path() / "app.nar.zst";
    std::ofstream(file, std::ios::binary) << compressed.text;
    shoal::push::NarCache cache(shoal::push::nar_cache_directory(staging.path()), 1 << 30);
    cache.keep(paths[0], shoal::nix::NarCompression::zstd, file);

    CHECK(shoal::push::use_cached_sizes(fleet, paths, cache, shoal::nix::NarCompression::zstd) ==
          1);
    const auto& sizes = fleet.paths.transfer_sizes();
    CHECK(sizes[*fleet.paths.find(paths[0].path)] == compressed.text.size());
    CHECK(compressed.text.size() < 1024);
    CHECK(sizes[*fleet.paths.find(other.path)] == other.nar_size); // not cached: its NAR
    // Staged plain, the cache has neither.
    CHECK(shoal::push::use_cached_sizes(fleet, paths, cache, shoal::nix::NarCompression::none) ==
          0);
}
