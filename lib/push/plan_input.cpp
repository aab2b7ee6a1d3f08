#include "push/plan_input.hpp"

#include "fleet/remote_store.hpp"
#include "plan/plan_options.hpp"
#include "swarm/torrent_builder.hpp"

#include <algorithm>
#include <numeric>

namespace shoal::push {
namespace {

// The planner's setup estimate assumes the push's default `--jobs`.
static_assert(plan::PlanOptions{}.jobs == fleet::default_jobs);

// Hosts without a site or rack still plan fine; they share the unnamed one.
std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

} // namespace

void add_to_plan(plan::Fleet& fleet, const inventory::Host& host,
                 const std::vector<nix::PathInfo>& missing) {
    plan::HostNeeds needs{
        host.name, or_dash(host.site), or_dash(host.rack), host.bandwidth_bps, {}};
    for (const auto& info : missing) {
        needs.missing.push_back(fleet.paths.add(info.path, info.nar_size));
    }
    if (host.site_uplink_bps != 0) {
        fleet.site_uplink_bps[needs.site] = host.site_uplink_bps;
    }
    fleet.hosts.push_back(std::move(needs));
}

std::size_t use_cached_sizes(plan::Fleet& fleet, const std::vector<nix::PathInfo>& paths,
                             const NarCache& cache, nix::NarCompression compression) {
    // `paths` may list a path once per host that lacks it: look each up once.
    std::vector<bool> looked_up(fleet.paths.size());
    std::size_t counted = 0;
    for (const auto& info : paths) {
        const auto id = fleet.paths.find(info.path);
        if (!id || looked_up[*id]) {
            continue;
        }
        looked_up[*id] = true;
        if (const auto staged = cache.staged_size(info, compression)) {
            fleet.paths.set_transfer_size(*id, *staged);
            ++counted;
        }
    }
    return counted;
}

std::uint64_t source_bandwidth(const plan::Fleet& fleet, std::uint64_t given_bps) {
    if (given_bps != 0) {
        return given_bps;
    }
    std::uint64_t fastest = 0;
    std::uint64_t fastest_needing = 0;
    for (const auto& host : fleet.hosts) {
        fastest = std::max(fastest, host.bandwidth_bps);
        if (!host.missing.empty()) {
            fastest_needing = std::max(fastest_needing, host.bandwidth_bps);
        }
    }
    // A fleet that needs nothing still gets its (empty) plan.
    return fastest_needing != 0 ? fastest_needing : fastest;
}

std::uint64_t swarm_piece_size(const plan::Fleet& fleet) {
    const auto& sizes = fleet.paths.transfer_sizes();
    const auto receivers =
        std::count_if(fleet.hosts.begin(), fleet.hosts.end(),
                      [](const plan::HostNeeds& host) { return !host.missing.empty(); });
    return static_cast<std::uint64_t>(
        swarm::choose_piece_size(std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0}),
                                 static_cast<std::size_t>(receivers)));
}

} // namespace shoal::push
