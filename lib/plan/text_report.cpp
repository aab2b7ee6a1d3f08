#include "plan/text_report.hpp"

#include "plan/name_ranges.hpp"
#include "util/units.hpp"

#include <fmt/format.h>
#include <map>

namespace shoal::plan {

namespace {

// Names shown per line before "(+N more)".
constexpr std::size_t names_per_line = 8;

std::string ratio(double numerator, double denominator) {
    return denominator > 0 ? fmt::format("{:.1f}x", numerator / denominator) : "-";
}

std::string hosts_text(std::size_t count) {
    return fmt::format("{} host{}", count, count == 1 ? "" : "s");
}

std::string parents_text(const Plan& plan, const PlannedHost& host) {
    std::string text;
    for (const auto& parent : host.parents) {
        const std::string& name = plan.node_name(parent.node);
        std::string where;
        if (parent.node != source_node) {
            const auto& from = plan.hosts[parent.node];
            where = from.site != host.site   ? fmt::format(" (site {})", from.site)
                    : from.rack != host.rack ? fmt::format(" (rack {})", from.rack)
                                             : "";
        }
        text += fmt::format("{}{}{} {}", text.empty() ? "" : ", ", name, where,
                            util::format_bytes(parent.bytes));
    }
    return text;
}

std::string summary(const Plan& plan) {
    std::uint64_t missing = 0;
    std::uint64_t relayed = 0;
    for (const auto& host : plan.hosts) {
        missing += plan.missing_bytes(host);
        relayed += plan.received_bytes(host) - plan.missing_bytes(host);
    }
    const auto& links = plan.links;
    const auto& estimate = plan.estimate;
    std::string text =
        fmt::format("{} need {} ({} distinct), {} more relayed by entry hosts\n",
                    hosts_text(plan.hosts.size()), util::format_bytes(missing),
                    util::format_bytes(plan.union_bytes), util::format_bytes(relayed));
    text += fmt::format("tree: {} waves deep, each host feeds at most {} in the tree\n", plan.depth,
                        plan.fanout);
    text += fmt::format(
        "deployer egress: {} ({} the bytes needed) at {}\n",
        util::format_bytes(links.deployer_egress),
        ratio(static_cast<double>(links.deployer_egress), static_cast<double>(plan.union_bytes)),
        util::format_bandwidth(plan.source_bandwidth_bps));
    std::vector<std::string> fed;
    for (const auto i : plan.deployer_slice_hosts) {
        fed.push_back(plan.hosts[i].name);
    }
    const auto fed_count = hosts_text(fed.size());
    text += fmt::format("deployer slices: one each to {}: {}\n", fed_count,
                        describe_names(std::move(fed), names_per_line));
    text += fmt::format("links: cross-site {}, cross-rack {}, in-rack {}\n",
                        util::format_bytes(links.cross_site), util::format_bytes(links.cross_rack),
                        util::format_bytes(links.in_rack));
    for (const auto& site : plan.separated_sites) {
        text += fmt::format("site {}: entered once, its {} uplink the constraint\n", site,
                            util::format_bandwidth(plan.site_uplink_bps.at(site)));
    }
    const auto& setup = estimate.setup;
    text += fmt::format("estimate: swarm push {} = setup {} + transfer {}\n",
                        util::format_seconds(estimate.total_seconds()),
                        util::format_seconds(setup.seconds()),
                        util::format_seconds(estimate.swarm_seconds));
    text += fmt::format(
        "  setup: connect {}, agents {}, assignments {}, framing {}, relay {}, finish {}\n",
        util::format_seconds(setup.connect), util::format_seconds(setup.agents),
        util::format_seconds(setup.assignments), util::format_seconds(setup.framing),
        util::format_seconds(setup.relay), util::format_seconds(setup.finish));
    const bool swarm_wins = estimate.swarm_seconds <= estimate.direct_seconds;
    text +=
        fmt::format("  transfer alone: swarm {}, direct push {} ({} {} faster)\n",
                    util::format_seconds(estimate.swarm_seconds),
                    util::format_seconds(estimate.direct_seconds), swarm_wins ? "swarm" : "direct",
                    swarm_wins ? ratio(estimate.direct_seconds, estimate.swarm_seconds)
                               : ratio(estimate.swarm_seconds, estimate.direct_seconds));
    return text;
}

} // namespace

std::string plan_text(const Plan& plan) {
    std::string text = summary(plan);
    // site -> rack -> wave -> hosts, in name order.
    std::map<std::string, std::map<std::string, std::map<unsigned, std::vector<std::size_t>>>> tree;
    for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
        const auto& host = plan.hosts[i];
        tree[host.site][host.rack][host.wave].push_back(i);
    }
    for (const auto& [site, racks] : tree) {
        std::size_t site_hosts = 0;
        for (const auto& [rack, waves] : racks) {
            for (const auto& [wave, hosts] : waves) {
                site_hosts += hosts.size();
            }
        }
        text += fmt::format("\nsite {} ({})\n", site, hosts_text(site_hosts));
        for (const auto& [rack, waves] : racks) {
            text += fmt::format("  rack {}\n", rack);
            for (const auto& [wave, hosts] : waves) {
                // Hosts fed from outside their rack are shown one by one with
                // their parents: they are the tree's skeleton.
                std::vector<std::string> inside;
                for (const std::size_t i : hosts) {
                    const auto& host = plan.hosts[i];
                    bool entry = false;
                    for (const auto& parent : host.parents) {
                        entry = entry || parent.node == source_node ||
                                plan.hosts[parent.node].rack != host.rack ||
                                plan.hosts[parent.node].site != host.site;
                    }
                    if (entry) {
                        text += fmt::format("    wave {}: {} <- {}\n", wave, host.name,
                                            parents_text(plan, host));
                    } else {
                        inside.push_back(host.name);
                    }
                }
                if (!inside.empty()) {
                    const std::string count = hosts_text(inside.size());
                    text += fmt::format("    wave {}: {}: {}\n", wave, count,
                                        describe_names(std::move(inside), names_per_line));
                }
            }
        }
    }
    return text;
}

std::string simulation_text(const Plan& plan, const SimulationResult& result) {
    std::string text =
        fmt::format("simulated: {} pieces of {}, {} transfers, deployer sent {}\n", result.pieces,
                    util::format_bytes(result.piece_size), result.transfers,
                    util::format_bytes(result.source_egress_bytes));
    for (std::size_t wave = 0; wave < result.wave_seconds.size(); ++wave) {
        text += fmt::format("  wave {}: done after {}\n", wave + 1,
                            util::format_seconds(result.wave_seconds[wave]));
    }
    text += fmt::format("total: {} (estimated transfer {}, direct push {})\n",
                        util::format_seconds(result.total_seconds),
                        util::format_seconds(plan.estimate.swarm_seconds),
                        util::format_seconds(plan.estimate.direct_seconds));
    return text;
}

} // namespace shoal::plan
