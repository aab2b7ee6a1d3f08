#include "push/swarm_push.hpp"

#include "io/fibers.hpp"
#include "nix/local_store.hpp"
#include "nix/sha256.hpp"
#include "plan/deployer_slices.hpp"
#include "plan/estimate.hpp"
#include "plan/planner.hpp"
#include "push/agent_start.hpp"
#include "push/compression_choice.hpp"
#include "push/direct_push.hpp"
#include "push/executable_system.hpp"
#include "push/nar_staging.hpp"
#include "push/plan_input.hpp"
#include "push/slice_seeder.hpp"
#include "push/source_address.hpp"
#include "push/source_probe.hpp"
#include "push/source_tunnels.hpp"
#include "push/swarm_context.hpp"
#include "push/swarm_driver.hpp"
#include "push/swarm_peers.hpp"
#include "ssh/remote_command.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/files.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/logging.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <spdlog/spdlog.h>
#include <thread>

namespace shoal::push {
namespace {

using Clock = std::chrono::steady_clock;

// Threads for what blocks on a host while the loop drives the agents: with
// the loop, the deployer's seeding sessions and the main thread, the
// controller stays within a few dozen threads at any fleet size. The plan's
// setup estimate counts agent starts on them.
constexpr std::size_t max_pool_threads = plan::setup::agent_start_threads;

// Stable across reruns of the same push, so that both sides find their
// staging (and resume data) again: derived from every path of every closure.
std::string deployment_key(const std::vector<nix::PathInfo>& all_paths) {
    nix::Sha256 hash;
    for (const auto& info : all_paths) {
        hash.update(std::span<const char>(info.path.data(), info.path.size()));
        hash.update(std::span<const char>("\n", 1));
    }
    return hash.finish().substr(std::string_view("sha256:").size(), 16);
}

// The torrent's name, which is also its staging directory's and the one
// every certificate of the push names.
std::string torrent_name_for(const std::string& key) {
    return "shoal-" + key;
}

// What the plan decided that the rest of the push follows.
struct ReceiverPlan {
    std::vector<std::size_t> fed; // the receivers the deployer feeds, by slice
    CompressionChoice compression;
    SshCompressionChoice fallback_compression; // of direct copies to hosts whose swarm failed
};

// Plans the fan-out over the receivers and derives each one's peers and the
// files it relays for others.
ReceiverPlan plan_receivers(std::vector<Receiver>& receivers, const SwarmPushOptions& options) {
    plan::Fleet fleet;
    for (const auto& r : receivers) {
        add_to_plan(fleet, *r.host, r.missing);
    }
    fleet.source_bandwidth_bps = source_bandwidth(fleet, options.source_bandwidth_bps);
    auto compression = choose_compression(options.compression, fleet);
    std::vector<nix::PathInfo> lacked;
    for (const auto& r : receivers) {
        lacked.insert(lacked.end(), r.missing.begin(), r.missing.end());
    }
    use_cached_sizes(fleet, lacked,
                     NarCache(nar_cache_directory(options.staging), options.nar_cache_bytes),
                     compression.compression);
    plan::PlanOptions plan_options;
    plan_options.fanout = options.fanout;
    plan_options.piece_size = swarm_piece_size(fleet);
    plan_options.jobs = std::max<std::size_t>(options.direct.jobs, 1);
    auto plan = plan::make_plan(fleet, plan_options);

    std::map<std::string, std::size_t> receiver_by_name;
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        receiver_by_name[receivers[i].host->name] = i;
    }
    const auto routes = swarm_routes(plan);
    ReceiverPlan decided{
        {}, std::move(compression), choose_ssh_compression(options.compression, fleet)};
    spdlog::debug("SSH compression of fallback copies: {}", decided.fallback_compression.why);
    auto& fed = decided.fed;
    for (std::size_t k = 0; k < routes.sourced.size(); ++k) {
        const auto& host = plan.hosts[routes.sourced[k]];
        fed.push_back(receiver_by_name.at(host.name));
        receivers[fed.back()].route.slice = k;
        receivers[fed.back()].peer_limit_while_fed =
            plan::peer_limit_while_fed(host.bandwidth_bps, plan.source_bandwidth_bps,
                                       routes.sourced.size(), plan.hosts.size()) /
            8;
    }
    for (std::size_t j = 0; j < plan.hosts.size(); ++j) {
        auto& r = receivers[receiver_by_name.at(plan.hosts[j].name)];
        r.route.zone = plan.hosts[j].zone;
        for (const auto node : routes.peers[j]) {
            r.route.peers.push_back(node == plan::source_node
                                        ? deployer_peer
                                        : receiver_by_name.at(plan.hosts[node].name));
        }
        for (const auto id : plan.sets.paths(routes.relays[j])) {
            r.relay_files.push_back(
                nix::nar_file_name(fleet.paths.name(id), decided.compression.compression));
        }
    }
    spdlog::info("plan: {} receivers, {} waves, fan-out {}, {} fed by the deployer",
                 plan.hosts.size(), plan.depth, plan.fanout, fed.size());
    return decided;
}

// The files each fed receiver downloads, by slice.
std::vector<std::set<std::string>> wanted_by_slice(const std::vector<Receiver>& receivers,
                                                   const std::vector<std::size_t>& fed,
                                                   nix::NarCompression compression) {
    std::vector<std::set<std::string>> wanted;
    for (const auto i : fed) {
        auto& files =
            wanted.emplace_back(receivers[i].relay_files.begin(), receivers[i].relay_files.end());
        for (const auto& info : receivers[i].missing) {
            files.insert(nix::nar_file_name(info.path, compression));
        }
    }
    return wanted;
}

// The zone of each fed receiver, by slice: its slices' group (push::slice_pieces).
std::vector<std::size_t> zone_by_slice(const std::vector<Receiver>& receivers,
                                       const std::vector<std::size_t>& fed) {
    std::vector<std::size_t> zones;
    for (const auto i : fed) {
        zones.push_back(receivers[i].route.zone);
    }
    return zones;
}

// NARs dumped at once while staging (each hashes and compresses on a core of
// its own): two at most, so that the controller stays within its thread
// budget (docs/scaling.md) while the agents start beside it.
std::size_t staging_dumpers() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 2);
}

// Stages every NAR that some receiver lacks and builds the push's torrent for
// its `receivers`.
void stage(SwarmContext& context, const std::vector<nix::PathInfo>& to_stage,
           const std::filesystem::path& staging, const ReceiverPlan& plan, std::size_t receivers) {
    const auto torrent_name = torrent_name_for(context.key);
    std::size_t reused = 0;
    {
        NarCache cache(nar_cache_directory(context.options.staging),
                       context.options.nar_cache_bytes);
        reused = stage_nars([] { return std::make_unique<nix::LocalStore>(); }, staging_dumpers(),
                            to_stage, staging / torrent_name, plan.compression.compression, cache);
    }
    spdlog::info("staged {} NARs in {} ({} not dumped again)", to_stage.size(), staging.string(),
                 reused);
    util::log_timeline("staged", context.start);
    // Pieces sized from the staged bytes, not the NARs' (as the plan has them):
    // compressed ones would otherwise get pieces up to 4 times larger than the rule wants.
    context.torrent =
        swarm::build_torrent_for(staging / torrent_name, context.ca.certificate_pem(), receivers);
    std::uint64_t nar_bytes = 0;
    for (const auto& info : to_stage) {
        nar_bytes += info.nar_size;
    }
    context.reporter.staged(to_stage.size(), reused, nar_bytes, context.torrent.total_size,
                            nix::compression_name(plan.compression.compression),
                            plan.compression.why);
    // Public data only (file hashes, the CA's certificate): lets an operator
    // inspect the push, or test that a client holding it is refused.
    swarm::write_file_atomically(staging / (torrent_name + ".torrent"), context.torrent.bytes);
    util::log_timeline("torrent built", context.start);
}

// Agents start on the driver's pool while this thread stages the NARs; then
// the deployer serves its slices and this thread drives every agent.
void run_swarm(SwarmContext& context, const std::vector<Receiver>& receivers,
               const ReceiverPlan& plan, std::vector<report::HostOutcome>& outcomes,
               const std::vector<nix::PathInfo>& to_stage, const std::filesystem::path& staging,
               const std::vector<std::size_t>& tunnelled, io::TerminationSignals& signals) {
    std::optional<SourceTunnels> tunnels; // outlives the driver, which may use it to the end
    SwarmDriver driver(context, receivers, outcomes,
                       std::clamp<std::size_t>(context.options.direct.jobs, 1, max_pool_threads));
    driver.start_agents();
    stage(context, to_stage, staging, plan, receivers.size());
    swarm::SwarmOptions source_options;
    source_options.torrent = context.torrent.bytes;
    source_options.save_path = staging;
    source_options.certificate = context.ca.issue("@source", context.torrent.name);
    source_options.upload_rate_limit = context.options.max_upload_rate;
    source_options.low_priority = context.options.low_priority;
    SliceSeeder sources(source_options, context.sources,
                        wanted_by_slice(receivers, plan.fed, context.compression),
                        zone_by_slice(receivers, plan.fed));
    if (!tunnelled.empty()) {
        tunnels.emplace(context.connector, receivers, tunnelled, context.sources,
                        context.options.direct.remote, context.options.direct.jobs);
        context.tunnels = &*tunnels;
    }
    driver.run(sources, signals);
}

// Removes the push's staged NARs once every host has its closure (unless
// --keep-cache): a rerun after a failure or an interrupt reuses them.
void drop_staging_when_done(const std::vector<report::HostOutcome>& outcomes,
                            const SwarmPushOptions& options, io::TerminationSignals& signals,
                            const std::filesystem::path& staging) {
    const bool all_ok = std::all_of(outcomes.begin(), outcomes.end(),
                                    [](const report::HostOutcome& o) { return o.ok; });
    if (all_ok && !options.keep_cache && signals.received() == nullptr) {
        std::filesystem::remove_all(staging);
    }
}

// Each receiver's agent program, by its system: the inventory's `system:`,
// else, when asked to, what `uname -sm` says there (one round trip per host,
// in parallel).
void choose_agents(std::vector<Receiver>& receivers, const SwarmPushOptions& options) {
    std::vector<Receiver*> to_ask;
    for (auto& receiver : receivers) {
        receiver.system = receiver.host->system;
        if (receiver.system.empty() && options.ask_systems) {
            to_ask.push_back(&receiver);
        }
    }
    // Threads only for the round trips: a push without --agent asks nobody.
    io::run_on_fibers(
        to_ask.size(), options.direct.jobs, io::network_fiber_threads(), [&](std::size_t i) {
            auto& receiver = *to_ask[i];
            try {
                const auto answer = ssh::run_remote(receiver.store->session(), "uname -sm");
                receiver.system = answer.ok() ? system_from_uname(answer.output) : "";
                if (receiver.system.empty()) {
                    spdlog::warn("{}: cannot tell its system from `uname -sm` ({}); set `system:` "
                                 "in the inventory",
                                 receiver.host->name,
                                 answer.ok() ? answer.output : answer.reason());
                }
            } catch (const std::exception& e) {
                spdlog::warn("{}: cannot ask its system: {}", receiver.host->name, e.what());
            }
        });
    for (auto& receiver : receivers) {
        receiver.agent = agent_for(options.agents, receiver.system);
        if (receiver.agent != nullptr && !receiver.system.empty()) {
            spdlog::debug("{}: {}, agent {}", receiver.host->name, receiver.system,
                          receiver.agent->command);
        }
    }
}

// The fed receivers that cannot connect to the deployer, each told in the log;
// `how` then says the swarm runs tunnelled for them.
std::vector<std::size_t> cut_off_hosts(const std::vector<Receiver>& receivers,
                                       const std::vector<std::size_t>& fed,
                                       const std::vector<swarm::Endpoint>& sources,
                                       const DirectPushOptions& direct, std::string& how) {
    // Long enough for a connection across a WAN, short beside a push.
    const auto timeout =
        std::clamp(std::chrono::ceil<std::chrono::seconds>(direct.remote.connect_timeout),
                   std::chrono::seconds(1), std::chrono::seconds(5));
    std::vector<std::size_t> tunnelled;
    for (const auto& cut_off : probe_fed_hosts(receivers, fed, sources, direct.jobs, timeout)) {
        spdlog::info("{}: cannot connect to the deployer ({}): its slice comes through SSH",
                     receivers[cut_off.receiver].host->name, cut_off.why);
        tunnelled.push_back(cut_off.receiver);
    }
    if (!tunnelled.empty()) {
        how = fmt::format("{} of the {} hosts the deployer feeds cannot connect to it at {}: "
                          "their slices reach them through SSH{}",
                          tunnelled.size(), fed.size(), sources.front().address,
                          tunnelled.size() < fed.size() ? ", the others' directly" : "");
    }
    return tunnelled;
}

} // namespace

std::vector<report::HostOutcome> push_swarm(fleet::HostConnections& connections,
                                            const fleet::HostClosures& closures,
                                            const SwarmPushOptions& options,
                                            report::PushReporter& reporter,
                                            io::TerminationSignals& signals) {
    // The timeline (-v) and each host's seconds count from the push's start.
    const auto start = connections.started();
    const auto& hosts = connections.hosts();
    std::vector<report::HostOutcome> outcomes(hosts.size());
    std::vector<Receiver> receivers;
    std::vector<std::size_t> receiver_host; // receiver -> index into hosts

    // 1. Who lacks what, as the connections found.
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        outcomes[i].host = hosts[i].name;
        if (!connections.reached(i)) {
            outcomes[i] = unreached_outcome(connections, i, reporter);
        } else if (const auto& diff = connections.diff(i); diff.missing.empty()) {
            outcomes[i].ok = true;
            reporter.host_finished(outcomes[i]);
        } else {
            auto& receiver = receivers.emplace_back();
            receiver.host = &hosts[i];
            receiver.store = &connections.store(i);
            receiver.missing = diff.missing;
            receiver.missing_bytes = diff.missing_bytes;
            receiver_host.push_back(i);
        }
    }
    if (signals.received() != nullptr) {
        return outcomes;
    }
    choose_agents(receivers, options);
    const auto key = deployment_key(closures.all_paths());
    const auto staging = options.staging / key;
    if (receivers.empty()) {
        // Every host has its closure (a failed push's host may have completed
        // since): what an earlier run of this push staged is of no more use.
        drop_staging_when_done(outcomes, options, signals, staging);
        return outcomes;
    }

    // 2. Plan; then, while agents start, stage what anyone lacks, and seed it.
    const auto plan = plan_receivers(receivers, options);
    std::map<std::string, nix::PathInfo> union_paths;
    for (const auto& r : receivers) {
        for (const auto& info : r.missing) {
            union_paths.emplace(info.path, info);
        }
    }
    std::vector<nix::PathInfo> to_stage;
    for (const auto& [path, info] : union_paths) {
        to_stage.push_back(info);
    }
    const auto torrent_name = torrent_name_for(key);
    auto ca = swarm::CertificateAuthority::create(torrent_name, std::chrono::hours(48));
    for (auto& r : receivers) {
        r.certificate = ca.issue(r.host->name, torrent_name);
    }
    std::vector<const inventory::Host*> receiver_hosts;
    for (const auto& r : receivers) {
        receiver_hosts.push_back(r.host);
    }
    auto reach = swarm_reach(receiver_hosts, options.listen_address, options.tunnel);
    std::vector<swarm::Endpoint> source_endpoints;
    for (std::size_t k = 0; k < plan.fed.size(); ++k) {
        source_endpoints.push_back(
            {reach.address, static_cast<std::uint16_t>(options.listen_port + k)});
    }
    // Fed hosts whose slices come through SSH: all of them, or those that turn out unable to
    // connect here (the deployer behind NAT has a route to them, but they none back).
    const auto tunnelled = reach.tunnel ? plan.fed
                                        : cut_off_hosts(receivers, plan.fed, source_endpoints,
                                                        options.direct, reach.how);
    reporter.swarm_mode(tunnelled.empty() ? "direct" : "tunnelled", reach.how);
    auto fallback = options.direct;
    fallback.remote.compress = plan.fallback_compression.compress;
    SwarmContext context{start,
                         options,
                         std::move(fallback),
                         closures,
                         reporter,
                         connections.connector(),
                         key,
                         plan.compression.compression,
                         std::move(ca),
                         {},
                         source_endpoints,
                         agent_closures(options.agents),
                         nullptr,
                         {}};
    for (const auto& host : hosts) {
        context.host_by_address.emplace(host.address, SwarmContext::HostAt{host.name, {}});
    }
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        context.host_by_address[receivers[i].host->address].receiver = i;
    }
    std::vector<report::HostOutcome> receiver_outcomes(receivers.size());
    run_swarm(context, receivers, plan, receiver_outcomes, to_stage, staging, tunnelled, signals);
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        outcomes[receiver_host[i]] = std::move(receiver_outcomes[i]);
    }
    drop_staging_when_done(outcomes, options, signals, staging);
    return outcomes;
}

} // namespace shoal::push
