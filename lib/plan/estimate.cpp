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

double swarm_seconds(const Plan& plan) {
    // Streams per host: one per child in another rack, plus one for its own
    // rack, which shares the work over all its hosts.
    std::vector<unsigned> streams(plan.hosts.size(), 0);
    std::vector<bool> feeds_own_rack(plan.hosts.size(), false);
    for (const auto& host : plan.hosts) {
        for (const auto& parent : host.parents) {
            if (parent.node == source_node) {
                continue;
            }
            if (same_rack(plan.hosts[parent.node], host)) {
                feeds_own_rack[parent.node] = true;
            } else {
                ++streams[parent.node];
            }
        }
    }
    // Bytes per second at which each host's bytes arrive; a rack's mesh
    // passes pieces on at the rate its entry (its first host) gets them.
    std::vector<double> rate(plan.hosts.size());
    std::map<std::pair<std::string_view, std::string_view>, double> rack_rate;
    double slowest = 0;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        const double link = bytes_per_second(host.bandwidth_bps);
        const double received = static_cast<double>(plan.received_bytes(host));
        double streaming = received / link;
        for (const auto& parent : host.parents) {
            double edge = bytes_per_second(plan.source_bandwidth_bps);
            if (parent.node != source_node) {
                const auto& from = plan.hosts[parent.node];
                edge = same_rack(from, host)
                           ? rack_rate.at({host.site, host.rack})
                           : std::min(rate[parent.node],
                                      bytes_per_second(from.bandwidth_bps) /
                                          (streams[parent.node] +
                                           (feeds_own_rack[parent.node] ? 1.0 : 0.0)));
            }
            streaming =
                std::max(streaming, static_cast<double>(parent.bytes) / std::min(link, edge));
        }
        rate[i] = received / streaming;
        rack_rate.try_emplace({host.site, host.rack}, rate[i]);
        const double pipeline = host.wave * static_cast<double>(plan.piece_size) / rate[i];
        slowest = std::max(slowest, streaming + pipeline);
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
