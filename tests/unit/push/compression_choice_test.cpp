#include "push/compression_choice.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using shoal::nix::NarCompression;
using shoal::push::choose_compression;
using shoal::push::CompressionMode;
using shoal::push::parse_compression_mode;

namespace {

shoal::plan::Fleet fleet_of(std::uint64_t source_bps, std::uint64_t host_bps) {
    shoal::plan::Fleet fleet;
    fleet.source_bandwidth_bps = source_bps;
    fleet.hosts.push_back({"h1", "", "", host_bps, {}});
    fleet.hosts.push_back({"h2", "", "", host_bps * 4, {}});
    return fleet;
}

} // namespace

TEST_CASE("--compress takes zstd, none or auto") {
    CHECK(parse_compression_mode("zstd") == CompressionMode::zstd);
    CHECK(parse_compression_mode("none") == CompressionMode::none);
    CHECK(parse_compression_mode("auto") == CompressionMode::automatic);
    CHECK_THROWS_WITH_AS(parse_compression_mode("xz"),
                         "--compress must be zstd, none or auto, not 'xz'",
                         shoal::util::UsageError);
}

TEST_CASE("zstd and none are what they say, whatever the links") {
    const auto slow = fleet_of(1'000'000, 1'000'000);
    CHECK(choose_compression(CompressionMode::none, slow).compression == NarCompression::none);
    CHECK(choose_compression(CompressionMode::zstd, fleet_of(100'000'000'000, 100'000'000'000))
              .compression == NarCompression::zstd);
}

TEST_CASE("auto compresses when the slowest link is slower than the deployer compresses") {
    const auto choice =
        choose_compression(CompressionMode::automatic, fleet_of(10'000'000'000, 100'000'000));
    CHECK(choice.compression == NarCompression::zstd);
    CHECK(choice.why == "zstd (auto: the slowest link, h1's link, 100 Mbit/s, is slower than "
                        "zstd compresses here (about 1.5 Gbit/s))");

    const auto fast =
        choose_compression(CompressionMode::automatic, fleet_of(20'000'000'000, 10'000'000'000));
    CHECK(fast.compression == NarCompression::none);
    CHECK(fast.why == "none (auto: the slowest link, h1's link, 10 Gbit/s, is not slower than "
                      "zstd compresses here (about 1.5 Gbit/s))");
}

TEST_CASE("auto counts the deployer's uplink and declared site uplinks") {
    auto fleet = fleet_of(200'000'000, 10'000'000'000);
    CHECK(choose_compression(CompressionMode::automatic, fleet).why ==
          "zstd (auto: the slowest link, the deployer's uplink, 200 Mbit/s, is slower than zstd "
          "compresses here (about 1.5 Gbit/s))");
    fleet.source_bandwidth_bps = 10'000'000'000;
    fleet.site_uplink_bps["west"] = 50'000'000;
    const auto choice = choose_compression(CompressionMode::automatic, fleet);
    CHECK(choice.compression == NarCompression::zstd);
    CHECK(choice.why.find("site west's uplink, 50 Mbit/s") != std::string::npos);
}

TEST_CASE("direct copies compress their SSH connections on links slower than zlib") {
    using shoal::push::choose_ssh_compression;
    const auto slow =
        choose_ssh_compression(CompressionMode::automatic, fleet_of(10'000'000'000, 100'000'000));
    CHECK(slow.compress);
    CHECK(slow.why == "on (auto: the slowest link, h1's link, 100 Mbit/s, is slower than SSH's "
                      "zlib compresses here (about 150 Mbit/s))");
    const auto fast =
        choose_ssh_compression(CompressionMode::automatic, fleet_of(10'000'000'000, 1'000'000'000));
    CHECK_FALSE(fast.compress);
    CHECK(fast.why.starts_with("off (auto: the slowest link, h1's link, 1 Gbit/s, is not slower"));
    CHECK(choose_ssh_compression(CompressionMode::zstd, fleet_of(0, 0)).why ==
          "on (--compress zstd)");
    CHECK_FALSE(choose_ssh_compression(CompressionMode::none, fleet_of(1'000, 1'000)).compress);
    CHECK(choose_ssh_compression(CompressionMode::automatic, fleet_of(0, 0)).why ==
          "off (auto: no link speed is known)");
}
