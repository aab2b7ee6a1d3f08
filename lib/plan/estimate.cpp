#include "plan/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace shoal::plan {

namespace {

double bytes_per_second(std::uint64_t bits_per_second) {
    return static_cast<double>(bits_per_second) / 8.0;
}

// The declared uplink of `site` in bytes per second, or infinity.
double site_uplink(const Plan& plan, const std::string& site) {
    const auto it = plan.site_uplink_bps.find(site);
    return it == plan.site_uplink_bps.end() ? std::numeric_limits<double>::infinity()
                                            : bytes_per_second(it->second);
}

// The slowest declared site uplink that a share from `from` (nullptr: the
// deployer, which is outside every site) to `to` crosses.
double site_link_cap(const Plan& plan, const PlannedHost* from, const PlannedHost& to) {
    if (from != nullptr && from->site == to.site) {
        return std::numeric_limits<double>::infinity();
    }
    const double inbound = site_uplink(plan, to.site);
    return from == nullptr ? inbound : std::min(inbound, site_uplink(plan, from->site));
}

// However the shares are spread in time, a site's uplink carries all bytes
// that enter the site, and all that leave it, at its declared rate.
double site_link_seconds(const Plan& plan) {
    std::map<std::string_view, std::pair<double, double>> bytes; // site -> (in, out)
    for (const auto& host : plan.hosts) {
        for (const auto& parent : host.parents) {
            const PlannedHost* from =
                parent.node == source_node ? nullptr : &plan.hosts[parent.node];
            if (from != nullptr && from->site == host.site) {
                continue;
            }
            bytes[host.site].first += static_cast<double>(parent.bytes);
            if (from != nullptr) {
                bytes[from->site].second += static_cast<double>(parent.bytes);
            }
        }
    }
    double slowest = 0;
    for (const auto& [site, in_out] : bytes) {
        slowest = std::max(slowest, std::max(in_out.first, in_out.second) /
                                        site_uplink(plan, std::string(site)));
    }
    return slowest;
}

// Max-min fair sharing of `capacity` among flows, each (cap, count): count
// flows that take at most cap each. The water level: the most any flow gets;
// infinite when every flow gets its cap.
double fair_share_level(std::vector<std::pair<double, double>> flows, double capacity) {
    std::sort(flows.begin(), flows.end());
    double flows_left = 0;
    for (const auto& [cap, count] : flows) {
        flows_left += count;
    }
    for (const auto& [cap, count] : flows) {
        const double fair = capacity / flows_left;
        if (cap >= fair) {
            return fair;
        }
        capacity -= cap * count;
        flows_left -= count;
    }
    return std::numeric_limits<double>::infinity();
}

// The most each host the deployer feeds directly gets from its uplink: the
// tree's roots share it max-min fairly, each capped by its own link and its
// site's uplink.
double deployer_share_level(const Plan& plan) {
    std::vector<std::pair<double, double>> roots;
    for (const auto& host : plan.hosts) {
        if (host.tree_parent == source_node) {
            roots.emplace_back(
                std::min(bytes_per_second(host.bandwidth_bps), site_link_cap(plan, nullptr, host)),
                1.0);
        }
    }
    return fair_share_level(std::move(roots), bytes_per_second(plan.source_bandwidth_bps));
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

// The transfer's closed form, and the setup's relay latency, which follows
// the same hops (see estimate.hpp).
struct SwarmSeconds {
    double transfer = 0;
    double relay = 0;
};

SwarmSeconds swarm_seconds(const Plan& plan) {
    std::map<PathSetId, double> pieces; // mean piece size per received set
    // Streams per host: one per child in another zone. Its own zone is not
    // one: the swarm serves plan children first and the zone's other hosts
    // take over the in-zone uploads.
    std::vector<unsigned> streams(plan.hosts.size(), 0);
    std::vector<unsigned> zone_children(plan.hosts.size(), 0);
    for (const auto& host : plan.hosts) {
        for (const auto& parent : host.parents) {
            if (parent.node == source_node) {
                continue;
            }
            ++(plan.hosts[parent.node].zone == host.zone ? zone_children : streams)[parent.node];
        }
    }
    // The mesh carries a parent's in-zone children as long as they are no
    // more than a tree's share (K-1); beyond that, extra children that only
    // this parent can serve split its link.
    const double tree_share = plan.fanout - 1.0;
    // Bytes per second at which each host's bytes arrive; a zone's mesh
    // passes pieces on at the rate its entry (its first host) gets them.
    std::vector<double> rate(plan.hosts.size());
    std::vector<double> latency(plan.hosts.size(), 0.0);
    std::vector<double> relay(plan.hosts.size(), 0.0);
    std::map<std::size_t, double> zone_rate;
    const double deployer_rate =
        std::min(bytes_per_second(plan.source_bandwidth_bps), deployer_share_level(plan));
    double slowest = 0;
    double deepest = 0;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        const double link = bytes_per_second(host.bandwidth_bps);
        const double received = static_cast<double>(plan.received_bytes(host));
        const double piece = mean_piece_bytes(plan, host.receives, pieces);
        double streaming = received / link;
        for (const auto& parent : host.parents) {
            const PlannedHost* from =
                parent.node == source_node ? nullptr : &plan.hosts[parent.node];
            // `piece_rate` carries one piece on; `edge` is the rate the share
            // streams at, which in a zone is no more than its entry receives.
            double piece_rate = deployer_rate;
            double edge = piece_rate;
            if (from != nullptr) {
                const double from_link = bytes_per_second(from->bandwidth_bps);
                if (from->zone == host.zone) {
                    piece_rate = from_link * tree_share /
                                 std::max(tree_share, 1.0 * zone_children[parent.node]);
                    edge = std::min(zone_rate.at(host.zone), piece_rate);
                } else {
                    piece_rate = edge =
                        std::min(rate[parent.node], from_link / streams[parent.node]);
                }
            }
            piece_rate = std::min({link, piece_rate, site_link_cap(plan, from, host)});
            edge = std::min({link, edge, piece_rate});
            const double hop = piece / piece_rate;
            streaming = std::max(streaming, static_cast<double>(parent.bytes) / edge);
            const bool sourced = parent.node == source_node;
            latency[i] = std::max(latency[i], (sourced ? 0.0 : latency[parent.node]) + hop);
            relay[i] = std::max(relay[i], (sourced ? 0.0 : relay[parent.node]) +
                                              setup::hop_seconds + setup::hop_bytes / piece_rate);
        }
        rate[i] = received / streaming;
        zone_rate.try_emplace(host.zone, rate[i]);
        slowest = std::max(slowest, streaming + latency[i]);
        deepest = std::max(deepest, relay[i]);
    }
    return {std::max(slowest, site_link_seconds(plan)), deepest};
}

// The pieces of the push's torrent: every path anyone needs, each starting
// a piece of its own.
double torrent_pieces(const Plan& plan) {
    std::set<PathSetId> needs;
    for (const auto& host : plan.hosts) {
        needs.insert(host.missing);
    }
    std::set<PathId> needed;
    for (const PathSetId set : needs) {
        const auto& paths = plan.sets.paths(set);
        needed.insert(paths.begin(), paths.end());
    }
    std::uint64_t count = 0;
    for (const PathId path : needed) {
        count += (plan.sets.path_bytes(path) + plan.piece_size - 1) / plan.piece_size;
    }
    return static_cast<double>(count);
}

// Seconds for every host's assignment to pass the deployer's uplink and each
// declared site uplink on the way to the site's hosts.
double assignment_seconds(const Plan& plan) {
    const double per_host =
        setup::host_bytes + setup::torrent_bytes_per_piece * torrent_pieces(plan);
    std::map<std::string_view, double> site_hosts;
    for (const auto& host : plan.hosts) {
        ++site_hosts[host.site];
    }
    double slowest = static_cast<double>(plan.hosts.size()) * per_host /
                     bytes_per_second(plan.source_bandwidth_bps);
    for (const auto& [site, hosts] : site_hosts) {
        slowest = std::max(slowest, hosts * per_host / site_uplink(plan, std::string(site)));
    }
    return slowest;
}

SetupEstimate setup_seconds(const Plan& plan, const SwarmSeconds& swarm) {
    if (plan.hosts.empty()) {
        return {};
    }
    const auto hosts = static_cast<double>(plan.hosts.size());
    const auto jobs = static_cast<double>(plan.jobs);
    return {.connect = setup::connect_seconds * std::ceil(hosts / jobs),
            .agents = setup::agent_start_seconds * hosts /
                      std::min(jobs, static_cast<double>(setup::agent_start_threads)),
            .assignments = assignment_seconds(plan),
            .framing = setup::framing * swarm.transfer,
            .relay = swarm.relay,
            .finish = setup::finish_seconds};
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
        std::vector<std::pair<double, double>> links; // (link, hosts) per group
        for (std::size_t i = 0; i < active.size(); ++i) {
            links.emplace_back(active[i].first, static_cast<double>(counts[i]));
        }
        const double level = fair_share_level(std::move(links), uplink);
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
    const SwarmSeconds swarm = swarm_seconds(plan);
    return {.swarm_seconds = swarm.transfer,
            .direct_seconds = direct_seconds(plan),
            .setup = setup_seconds(plan, swarm)};
}

} // namespace shoal::plan
