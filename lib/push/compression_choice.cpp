#include "push/compression_choice.hpp"

#include "util/error.hpp"
#include "util/units.hpp"

#include <fmt/format.h>
#include <limits>
#include <utility>

namespace shoal::push {

CompressionMode parse_compression_mode(std::string_view text) {
    if (text == "none") {
        return CompressionMode::none;
    }
    if (text == "zstd") {
        return CompressionMode::zstd;
    }
    if (text == "auto") {
        return CompressionMode::automatic;
    }
    throw util::UsageError(
        fmt::format("--compress must be zstd, none or auto, not '{}'", std::string(text)));
}

namespace {

// Whether `compressor`, compressing `compressor_bps`, gains on the fleet's
// slowest link (the deployer's uplink, a host's link, a site's declared
// uplink), and a clause saying why.
std::pair<bool, std::string> gains_on_slowest_link(const plan::Fleet& fleet,
                                                   std::string_view compressor,
                                                   std::uint64_t compressor_bps) {
    std::uint64_t slowest = std::numeric_limits<std::uint64_t>::max();
    std::string which;
    const auto consider = [&](std::uint64_t bps, const std::string& name) {
        if (bps != 0 && bps < slowest) {
            slowest = bps;
            which = name;
        }
    };
    consider(fleet.source_bandwidth_bps, "the deployer's uplink");
    for (const auto& host : fleet.hosts) {
        consider(host.bandwidth_bps, host.name + "'s link");
    }
    for (const auto& [site, bps] : fleet.site_uplink_bps) {
        consider(bps, "site " + site + "'s uplink");
    }
    if (which.empty()) {
        return {false, "auto: no link speed is known"};
    }
    const bool gains = slowest < compressor_bps;
    return {gains,
            fmt::format("auto: the slowest link, {}, {}, is {} than {} compresses here "
                        "(about {})",
                        which, util::format_bandwidth(slowest), gains ? "slower" : "not slower",
                        compressor, util::format_bandwidth(compressor_bps))};
}

} // namespace

CompressionChoice choose_compression(CompressionMode mode, const plan::Fleet& fleet) {
    if (mode == CompressionMode::none) {
        return {nix::NarCompression::none, "none (--compress none)"};
    }
    if (mode == CompressionMode::zstd) {
        return {nix::NarCompression::zstd, "zstd (--compress zstd)"};
    }
    const auto [gains, why] = gains_on_slowest_link(fleet, "zstd", zstd_compress_bps);
    return {gains ? nix::NarCompression::zstd : nix::NarCompression::none,
            fmt::format("{} ({})", gains ? "zstd" : "none", why)};
}

SshCompressionChoice choose_ssh_compression(CompressionMode mode, const plan::Fleet& fleet) {
    if (mode != CompressionMode::automatic) {
        const bool on = mode == CompressionMode::zstd;
        return {on, fmt::format("{} (--compress {})", on ? "on" : "off", on ? "zstd" : "none")};
    }
    const auto [gains, why] = gains_on_slowest_link(fleet, "SSH's zlib", zlib_compress_bps);
    return {gains, fmt::format("{} ({})", gains ? "on" : "off", why)};
}

} // namespace shoal::push
