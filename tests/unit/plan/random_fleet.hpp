#pragma once

#include "plan/fleet.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <random>
#include <set>
#include <string>

namespace shoal::plan::testing {

// A random fleet: `hosts` hosts over a few sites and racks, random link
// speeds, and per host a random subset of a random closure (some hosts need
// nothing, some everything). Same seed, same fleet.
inline Fleet random_fleet(std::uint64_t seed, std::size_t hosts) {
    std::mt19937_64 random(seed);
    const auto uniform = [&](std::size_t low, std::size_t high) {
        return std::uniform_int_distribution<std::size_t>(low, high)(random);
    };
    Fleet fleet;
    fleet.source_bandwidth_bps = 100'000'000ULL * uniform(1, 100);
    const std::size_t paths = uniform(1, 60);
    for (std::size_t p = 0; p < paths; ++p) {
        fleet.paths.add(fmt::format("/nix/store/{:032}-p{}", p, p), uniform(1, 64) << 16);
    }
    const std::size_t sites = uniform(1, 1 + hosts / 20);
    const std::size_t racks = uniform(1, 8);
    const std::size_t speeds[] = {100'000'000, 1'000'000'000, 10'000'000'000};
    // Mostly shared needs, as fleets from one configuration have, plus noise.
    std::vector<PathId> common;
    for (PathId p = 0; p < paths; ++p) {
        if (uniform(0, 3) != 0) {
            common.push_back(p);
        }
    }
    for (std::size_t i = 0; i < hosts; ++i) {
        HostNeeds host{fmt::format("h{:05}", i),
                       fmt::format("site{}", uniform(0, sites - 1)),
                       fmt::format("rack{}", uniform(0, racks - 1)),
                       speeds[uniform(0, 2)],
                       {}};
        switch (uniform(0, 4)) {
        case 0: // needs nothing
            break;
        case 1: // needs a random subset
            for (PathId p = 0; p < paths; ++p) {
                if (uniform(0, 1) == 0) {
                    host.missing.push_back(p);
                }
            }
            break;
        default: // needs the common part, partly provisioned
            for (const PathId p : common) {
                if (uniform(0, 9) != 0) {
                    host.missing.push_back(p);
                }
            }
        }
        fleet.hosts.push_back(std::move(host));
    }
    return fleet;
}

// Declares a random uplink, from a tenth of a host's slowest link to ten of
// its fastest, for about half the fleet's sites. Same seed, same uplinks.
inline void add_random_site_uplinks(std::uint64_t seed, Fleet& fleet) {
    std::mt19937_64 random(seed);
    std::set<std::string> decided;
    for (const auto& host : fleet.hosts) {
        if (decided.insert(host.site).second && random() % 2 == 0) {
            fleet.site_uplink_bps[host.site] = 10'000'000ULL << (random() % 14);
        }
    }
}

// `hosts` equal hosts in one rack, all lacking the same `paths` paths of
// `path_bytes` each.
inline Fleet uniform_fleet(std::size_t hosts, std::size_t paths, std::uint64_t path_bytes,
                           std::uint64_t bandwidth_bps) {
    Fleet fleet;
    fleet.source_bandwidth_bps = bandwidth_bps;
    std::vector<PathId> all;
    for (std::size_t p = 0; p < paths; ++p) {
        all.push_back(fleet.paths.add(fmt::format("/nix/store/p{}", p), path_bytes));
    }
    for (std::size_t i = 0; i < hosts; ++i) {
        fleet.hosts.push_back({fmt::format("h{}", i + 1), "site", "rack", bandwidth_bps, all});
    }
    return fleet;
}

} // namespace shoal::plan::testing
