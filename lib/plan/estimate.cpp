#include "plan/estimate.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <string_view>
#include <utility>

namespace shoal::plan {

namespace {

double bytes_per_second(std::uint64_t bits_per_second) {
    return static_cast<double>(bits_per_second) / 8.0;
}

bool same_rack(const PlannedHost& a, const PlannedHost& b) {
    return a.site == b.site && a.rack == b.rack;
}

// Pieces never span two paths, so small paths make small pieces, and a
// piece's hop through a wave takes its own size's time.
double mean_piece_bytes(const Plan& plan, PathSetId set, std::map<PathSetId, double>& cache) {
    const auto [it, inserted] = cache.try_emplace(set, 0.0);
    if (inserted) {
        std::uint64_t count = 0;
        for (const PathId path : plan.sets.paths(set)) {
            count += (plan.sets.path_bytes(path) + plan.piece_size - 1) / plan.piece_size;
        }
        it->second = static_cast<double>(plan.sets.bytes(set)) / static_cast<double>(count);
    }
    return it->second;
}

double swarm_seconds(const Plan& plan) {
    std::map<PathSetId, double> pieces; // mean piece size per received set
    // Streams per host: one per child in another rack. Its own rack is not
    // one: the swarm serves plan children first and the rack's other hosts
    // take over the in-rack uploads.
    std::vector<unsigned> streams(plan.hosts.size(), 0);
    std::vector<unsigned> rack_children(plan.hosts.size(), 0);
    for (const auto& host : plan.hosts) {
        for (const auto& parent : host.parents) {
            if (parent.node == source_node) {
                continue;
            }
            ++(same_rack(plan.hosts[parent.node], host) ? rack_children : streams)[parent.node];
        }
    }
    // The mesh carries a parent's in-rack children as long as they are no
    // more than a tree's share (K-1); beyond that, extra children that only
    // this parent can serve split its link.
    const double tree_share = plan.fanout - 1.0;
    // Bytes per second at which each host's bytes arrive; a rack's mesh
    // passes pieces on at the rate its entry (its first host) gets them.
    std::vector<double> rate(plan.hosts.size());
    std::vector<double> latency(plan.hosts.size(), 0.0);
    std::map<std::pair<std::string_view, std::string_view>, double> rack_rate;
    double slowest = 0;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        const double link = bytes_per_second(host.bandwidth_bps);
        const double received = static_cast<double>(plan.received_bytes(host));
        const double piece = mean_piece_bytes(plan, host.receives, pieces);
        double streaming = received / link;
        for (const auto& parent : host.parents) {
            double edge = bytes_per_second(plan.source_bandwidth_bps);
            if (parent.node != source_node) {
                const auto& from = plan.hosts[parent.node];
                const double from_link = bytes_per_second(from.bandwidth_bps);
                edge = same_rack(from, host)
                           ? std::min(rack_rate.at({host.site, host.rack}),
                                      from_link * tree_share /
                                          std::max(tree_share, 1.0 * rack_children[parent.node]))
                           : std::min(rate[parent.node], from_link / streams[parent.node]);
            }
            const double hop = piece / std::min(link, edge);
            streaming =
                std::max(streaming, static_cast<double>(parent.bytes) / std::min(link, edge));
            latency[i] = std::max(latency[i],
                                  (parent.node == source_node ? 0.0 : latency[parent.node]) + hop);
        }
        rate[i] = received / streaming;
        rack_rate.try_emplace({host.site, host.rack}, rate[i]);
        slowest = std::max(slowest, streaming + latency[i]);
    }
    return slowest;
}

// Max-min fair shares of the deployer's uplink, replayed at each completion.
// Hosts with the same link and byte count move together, so a uniform fleet
// takes one step however many hosts it has.
double direct_seconds(const Plan& plan) {
    std::map<std::pair<double, double>, std::size_t> groups; // (link, bytes left) -> hosts
    for (const auto& host : plan.hosts) {
        ++groups[{bytes_per_second(host.bandwidth_bps),
                  static_cast<double>(plan.missing_bytes(host))}];
    }
    const double uplink = bytes_per_second(plan.source_bandwidth_bps);
    std::vector<std::pair<double, double>> active; // (link, bytes left), one per host group
    std::vector<std::size_t> counts;
    for (const auto& [key, count] : groups) {
        active.push_back(key);
        counts.push_back(count);
    }
    double elapsed = 0;
    while (!active.empty()) {
        // Water level: the largest per-host rate that fits the uplink.
        std::vector<std::size_t> by_link(active.size());
        for (std::size_t i = 0; i < by_link.size(); ++i) {
            by_link[i] = i;
        }
        std::sort(by_link.begin(), by_link.end(),
                  [&](std::size_t a, std::size_t b) { return active[a].first < active[b].first; });
        double left = uplink;
        double hosts_left = 0;
        for (const std::size_t i : by_link) {
            hosts_left += static_cast<double>(counts[i]);
        }
        double level = std::numeric_limits<double>::infinity();
        for (const std::size_t i : by_link) {
            const double fair = left / hosts_left;
            if (active[i].first >= fair) {
                level = fair;
                break;
            }
            left -= active[i].first * static_cast<double>(counts[i]);
            hosts_left -= static_cast<double>(counts[i]);
        }
        double step = std::numeric_limits<double>::infinity();
        for (const auto& [link, bytes] : active) {
            step = std::min(step, bytes / std::min(link, level));
        }
        elapsed += step;
        std::vector<std::pair<double, double>> still;
        std::vector<std::size_t> still_counts;
        for (std::size_t i = 0; i < active.size(); ++i) {
            const double bytes = active[i].second - step * std::min(active[i].first, level);
            if (bytes > 1e-6 * active[i].second) {
                still.emplace_back(active[i].first, bytes);
                still_counts.push_back(counts[i]);
            }
        }
        active = std::move(still);
        counts = std::move(still_counts);
    }
    return elapsed;
}

} // namespace

Estimate estimate(const Plan& plan) {
    return {swarm_seconds(plan), direct_seconds(plan)};
}

} // namespace shoal::plan
