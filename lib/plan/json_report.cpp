#include "plan/json_report.hpp"

namespace shoal::plan {

nlohmann::json plan_json(const Plan& plan) {
    nlohmann::json hosts = nlohmann::json::array();
    for (const auto& host : plan.hosts) {
        nlohmann::json parents = nlohmann::json::array();
        nlohmann::json shares = nlohmann::json::array();
        for (const auto& parent : host.parents) {
            parents.push_back(plan.node_name(parent.node));
            shares.push_back({{"from", plan.node_name(parent.node)},
                              {"paths", plan.sets.paths(parent.paths).size()},
                              {"bytes", parent.bytes}});
        }
        hosts.push_back({{"name", host.name},
                         {"site", host.site},
                         {"rack", host.rack},
                         {"bandwidth", host.bandwidth_bps},
                         {"wave", host.wave},
                         {"parents", std::move(parents)},
                         {"shares", std::move(shares)},
                         {"missing_paths", plan.sets.paths(host.missing).size()},
                         {"missing_bytes", plan.missing_bytes(host)},
                         {"received_paths", plan.sets.paths(host.receives).size()},
                         {"received_bytes", plan.received_bytes(host)}});
    }
    const auto& setup = plan.estimate.setup;
    std::vector<std::string> slices_to;
    for (const auto i : plan.deployer_slice_hosts) {
        slices_to.push_back(plan.hosts[i].name);
    }
    return {{"source",
             {{"bandwidth", plan.source_bandwidth_bps},
              {"egress_bytes", plan.links.deployer_egress},
              {"slices_to", std::move(slices_to)}}},
            {"fanout", plan.fanout},
            {"depth", plan.depth},
            {"needed_bytes", plan.union_bytes},
            {"separated_sites", plan.separated_sites},
            {"hosts", std::move(hosts)},
            {"links",
             {{"deployer_egress", plan.links.deployer_egress},
              {"cross_site", plan.links.cross_site},
              {"cross_rack", plan.links.cross_rack},
              {"in_rack", plan.links.in_rack}}},
            {"estimate",
             {{"total_seconds", plan.estimate.total_seconds()},
              {"setup_seconds", setup.seconds()},
              {"swarm_seconds", plan.estimate.swarm_seconds},
              {"direct_seconds", plan.estimate.direct_seconds},
              {"setup",
               {{"connect", setup.connect},
                {"agents", setup.agents},
                {"assignments", setup.assignments},
                {"framing", setup.framing},
                {"relay", setup.relay},
                {"finish", setup.finish}}},
              {"piece_size", plan.piece_size},
              {"jobs", plan.jobs}}}};
}

nlohmann::json simulation_json(const SimulationResult& result) {
    nlohmann::json waves = nlohmann::json::array();
    for (std::size_t wave = 0; wave < result.wave_seconds.size(); ++wave) {
        waves.push_back({{"wave", wave + 1}, {"seconds", result.wave_seconds[wave]}});
    }
    return {{"piece_size", result.piece_size},
            {"pieces", result.pieces},
            {"transfers", result.transfers},
            {"source_egress_bytes", result.source_egress_bytes},
            {"total_seconds", result.total_seconds},
            {"waves", std::move(waves)}};
}

} // namespace shoal::plan
