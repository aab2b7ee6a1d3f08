#include "plan/planner.hpp"

#include "plan/deployer_slices.hpp"
#include "plan/estimate.hpp"
#include "plan/share_assignment.hpp"
#include "plan/topology.hpp"
#include "plan/tree.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <string>

namespace shoal::plan {

namespace {

void check_input(const Fleet& fleet, const PlanOptions& options) {
    if (options.fanout < 3) {
        throw util::UsageError(
            fmt::format("fanout {} is too small: it must be at least 3", options.fanout));
    }
    if (fleet.source_bandwidth_bps == 0) {
        throw util::UsageError("the deployer's bandwidth must be above zero");
    }
    if (options.piece_size == 0) {
        throw util::UsageError("the piece size must be above zero");
    }
    if (options.jobs == 0) {
        throw util::UsageError("--jobs must be at least 1");
    }
    for (const auto& [site, uplink] : fleet.site_uplink_bps) {
        if (uplink == 0) {
            throw util::UsageError(fmt::format("site {} has no uplink bandwidth", site));
        }
    }
    for (const auto& host : fleet.hosts) {
        if (host.bandwidth_bps == 0) {
            throw util::UsageError(fmt::format("host {} has no bandwidth", host.name));
        }
        for (const PathId path : host.missing) {
            if (path >= fleet.paths.size()) {
                throw util::Error(
                    fmt::format("host {} needs path id {}, but only {} paths are known", host.name,
                                path, fleet.paths.size()));
            }
        }
    }
}

void count_link_bytes(Plan& plan) {
    for (const auto& host : plan.hosts) {
        plan.depth = std::max(plan.depth, host.wave);
        for (const auto& parent : host.parents) {
            if (parent.node == source_node) {
                plan.links.deployer_egress += parent.bytes;
                continue;
            }
            const auto& from = plan.hosts[parent.node];
            if (from.site != host.site) {
                plan.links.cross_site += parent.bytes;
            } else if (from.rack != host.rack) {
                plan.links.cross_rack += parent.bytes;
            } else {
                plan.links.in_rack += parent.bytes;
            }
        }
    }
}

// One candidate plan over the given zones.
Plan plan_with_zones(const Fleet& fleet, const PlanOptions& options, PathSetPool sets,
                     const std::vector<PathSetId>& needs,
                     const std::vector<std::uint64_t>& needs_bytes,
                     const std::set<std::string>& separated_sites) {
    const auto zones = group_by_topology(fleet, needs_bytes, separated_sites);
    const Tree tree = build_tree(fleet, zones, needs, sets, options);
    auto hosts = assign_shares(fleet, tree, sets, options.fanout);
    Plan plan{.sets = std::move(sets),
              .hosts = std::move(hosts),
              .source_bandwidth_bps = fleet.source_bandwidth_bps,
              .site_uplink_bps = fleet.site_uplink_bps,
              .separated_sites = {separated_sites.begin(), separated_sites.end()},
              .deployer_slice_hosts = {},
              .fanout = options.fanout,
              .piece_size = options.piece_size,
              .jobs = options.jobs,
              .links = {},
              .estimate = {}};
    PathSetId everything = PathSetPool::empty_set;
    for (const auto& host : plan.hosts) {
        everything = plan.sets.unite(everything, host.missing);
    }
    plan.union_bytes = plan.sets.bytes(everything);
    plan.deployer_slice_hosts = deployer_slice_hosts(plan);
    count_link_bytes(plan);
    plan.estimate = estimate(plan);
    return plan;
}

} // namespace

Plan make_plan(const Fleet& fleet, const PlanOptions& options) {
    check_input(fleet, options);
    PathSetPool sets(fleet.paths.transfer_sizes());
    std::vector<PathSetId> needs;
    std::vector<std::uint64_t> needs_bytes;
    for (const auto& host : fleet.hosts) {
        needs.push_back(sets.intern(host.missing));
        needs_bytes.push_back(sets.bytes(needs.back()));
    }
    // Labels alone never shape the tree; a declared site uplink that could
    // be the constraint does, where that makes the push faster.
    Plan blind = plan_with_zones(fleet, options, sets, needs, needs_bytes, {});
    const auto constrained = constrained_sites(fleet, needs_bytes);
    if (!options.respect_site_links || constrained.empty()) {
        return blind;
    }
    Plan aware = plan_with_zones(fleet, options, std::move(sets), needs, needs_bytes, constrained);
    return aware.estimate.swarm_seconds < blind.estimate.swarm_seconds ? std::move(aware)
                                                                       : std::move(blind);
}

} // namespace shoal::plan
