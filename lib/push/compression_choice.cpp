#include "push/compression_choice.hpp"

#include "util/error.hpp"
#include "util/units.hpp"

#include <fmt/format.h>
#include <limits>

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

CompressionChoice choose_compression(CompressionMode mode, const plan::Fleet& fleet) {
    if (mode == CompressionMode::none) {
        return {nix::NarCompression::none, "none (--compress none)"};
    }
    if (mode == CompressionMode::zstd) {
        return {nix::NarCompression::zstd, "zstd (--compress zstd)"};
    }
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
        return {nix::NarCompression::none, "none (auto: no link speed is known)"};
    }
    const auto speeds = fmt::format("{}, {}, is {} than zstd compresses here (about {})", which,
                                    util::format_bandwidth(slowest),
                                    slowest < zstd_compress_bps ? "slower" : "not slower",
                                    util::format_bandwidth(zstd_compress_bps));
    if (slowest < zstd_compress_bps) {
        return {nix::NarCompression::zstd,
                fmt::format("zstd (auto: the slowest link, {})", speeds)};
    }
    return {nix::NarCompression::none, fmt::format("none (auto: the slowest link, {})", speeds)};
}

} // namespace shoal::push
