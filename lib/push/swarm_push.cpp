#include "push/swarm_push.hpp"

#include "fleet/fleet_diff.hpp"
#include "nix/local_store.hpp"
#include "nix/sha256.hpp"
#include "plan/planner.hpp"
#include "push/agent_connection.hpp"
#include "push/nar_staging.hpp"
#include "push/plan_input.hpp"
#include "push/source_address.hpp"
#include "push/swarm_peers.hpp"
#include "push/swarm_state.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/swarm_session.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <spdlog/spdlog.h>
#include <thread>

namespace shoal::push {
namespace {

using Clock = std::chrono::steady_clock;
using Phase = SwarmState::Phase;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A host that lacks something, with what it lacks.
struct Receiver {
    const inventory::Host* host = nullptr;
    std::vector<nix::PathInfo> missing; // dependencies first
    std::uint64_t missing_bytes = 0;
    std::vector<std::string> relay_files; // fetched only to pass on, per the plan
    std::vector<std::size_t> peers;       // receiver indices; `source_peer` for the deployer
    swarm::CertificateAndKey certificate; // its ticket into the swarm
};
constexpr std::size_t source_peer = plan::source_node;

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

// Plans the fan-out over the receivers and derives each one's peers and the
// files it relays for others.
void plan_receivers(std::vector<Receiver>& receivers, const SwarmPushOptions& options) {
    plan::Fleet fleet;
    std::uint64_t fastest = 0;
    for (const auto& r : receivers) {
        add_to_plan(fleet, *r.host, r.missing);
        fastest = std::max(fastest, r.host->bandwidth_bps);
    }
    fleet.source_bandwidth_bps =
        options.source_bandwidth_bps != 0 ? options.source_bandwidth_bps : fastest;
    plan::PlanOptions plan_options;
    plan_options.fanout = options.fanout;
    auto plan = plan::make_plan(fleet, plan_options);

    std::map<std::string, std::size_t> receiver_by_name;
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        receiver_by_name[receivers[i].host->name] = i;
    }
    const auto routes = swarm_routes(plan);
    for (std::size_t j = 0; j < plan.hosts.size(); ++j) {
        auto& r = receivers[receiver_by_name.at(plan.hosts[j].name)];
        for (const auto node : routes.peers[j]) {
            r.peers.push_back(node == plan::source_node
                                  ? source_peer
                                  : receiver_by_name.at(plan.hosts[node].name));
        }
        for (const auto id : plan.sets.paths(routes.relays[j])) {
            r.relay_files.push_back(nar_file_name(fleet.paths.name(id)));
        }
    }
    spdlog::info("plan: {} receivers, {} waves, fan-out {}", plan.hosts.size(), plan.depth,
                 plan.fanout);
}

// Everything one push's swarm shares: torrent, CA, source endpoint, state.
struct SwarmContext {
    const SwarmPushOptions& options;
    const fleet::HostClosures& closures;
    report::PushReporter& reporter;
    const ssh::Library& ssh_library;
    std::string key;
    swarm::BuiltTorrent torrent;
    swarm::CertificateAuthority ca;
    swarm::Endpoint source;
    SwarmState state;
};

std::vector<swarm::Endpoint> ready_endpoints(const std::vector<std::size_t>& peers,
                                             const std::vector<SwarmState::Receiver>& snapshot,
                                             const swarm::Endpoint& source) {
    std::vector<swarm::Endpoint> endpoints;
    bool need_source = false;
    for (const auto peer : peers) {
        if (peer == source_peer) {
            need_source = true;
        } else if (snapshot[peer].phase == Phase::ready ||
                   snapshot[peer].phase == Phase::complete) {
            endpoints.push_back(snapshot[peer].endpoint);
        }
    }
    // A host whose upstream peers all failed to start takes the bytes from the deployer.
    if (need_source || endpoints.empty()) {
        endpoints.push_back(source);
    }
    return endpoints;
}

agent::Assignment assignment_for(const SwarmContext& context, const Receiver& receiver) {
    agent::Assignment assignment;
    assignment.host = receiver.host->name;
    assignment.torrent = context.torrent.bytes;
    assignment.certificate = receiver.certificate;
    assignment.listen = {receiver.host->address, receiver.host->swarm_port};
    assignment.staging =
        std::filesystem::path(context.options.remote_staging) / context.key / receiver.host->name;
    for (const auto& info : receiver.missing) {
        assignment.paths.push_back({info, nar_file_name(info.path)});
    }
    assignment.relay_files = receiver.relay_files;
    assignment.low_priority = context.options.low_priority;
    assignment.upload_limit = context.options.max_upload_rate;
    assignment.download_limit = context.options.max_download_rate;
    assignment.linger = context.options.linger;
    assignment.keep_cache = context.options.keep_cache;
    return assignment;
}

// Talks to one receiver's agent until the push is over; falls back to a
// direct copy when the agent fails. Never throws.
report::HostOutcome serve_receiver(SwarmContext& context, const Receiver& receiver,
                                   std::size_t index) {
    const auto start = Clock::now();
    const auto& host = *receiver.host;
    report::HostOutcome outcome;
    outcome.host = host.name;
    try {
        AgentConnection agent(context.ssh_library, host, context.options.direct.remote,
                              context.options.agent_command);
        agent.send(assignment_for(context, receiver));
        bool finished = false;
        while (!finished) {
            std::visit(
                [&](const auto& event) {
                    using T = std::decay_t<decltype(event)>;
                    if constexpr (std::is_same_v<T, agent::Ready>) {
                        context.state.set_ready(index, {host.address, event.port});
                        context.reporter.agent_ready(host.name);
                    } else if constexpr (std::is_same_v<T, agent::Progress>) {
                        context.state.set_progress(index, event.downloaded, event.wanted);
                    } else if constexpr (std::is_same_v<T, agent::PathImported>) {
                        ++outcome.paths;
                        context.reporter.path_imported(host.name, event.path);
                    } else if constexpr (std::is_same_v<T, agent::Complete>) {
                        context.state.set_complete(index);
                        outcome.bytes = receiver.missing_bytes;
                    } else {
                        throw util::Error("agent: " + event.message);
                    }
                },
                agent.receive());
            for (const auto& command : context.state.take_posted(index)) {
                agent.send(command);
                finished = finished || std::holds_alternative<agent::Finish>(command);
            }
            if (context.state.stopping()) {
                throw util::Error("interrupted");
            }
            const auto now = context.state.snapshot()[index];
            if (now.phase == Phase::starting &&
                Clock::now() - start > context.options.agent_start_timeout) {
                throw util::Error("the agent did not get ready in time");
            }
            // A host importing what it has downloaded is busy, not stalled.
            if (now.phase == Phase::ready && now.downloaded < now.wanted &&
                Clock::now() - now.last_gain > context.options.stall_timeout) {
                throw util::Error(
                    fmt::format("no progress for {} s", context.options.stall_timeout.count()));
            }
        }
        agent.wait();
        outcome.ok = true;
        outcome.seconds = seconds_since(start);
        context.reporter.host_finished(outcome);
        return outcome;
    } catch (const std::exception& e) {
        context.state.set_failed(index);
        if (context.state.stopping() || !context.options.fallback) {
            outcome.error = e.what();
            outcome.seconds = seconds_since(start);
            context.reporter.host_finished(outcome);
            return outcome;
        }
        context.reporter.host_fallback(host.name, e.what());
    }
    auto fallback =
        push_host_direct(context.ssh_library, host, context.closures.closure_of(host.name),
                         context.options.direct, context.reporter);
    fallback.fell_back = true;
    fallback.seconds = seconds_since(start);
    return fallback;
}

// The deployer's side of the swarm: seeds, hands out peers once receivers
// are ready, reports progress, and ends the swarm when every receiver is
// complete or failed.
void coordinate(SwarmContext& context, swarm::SwarmSession& source,
                const std::vector<Receiver>& receivers, util::TerminationSignals& signals) {
    const auto start = Clock::now();
    bool peers_given = false;
    auto last_report = start;
    std::set<std::size_t> failed_seen;
    for (;;) {
        source.poll(std::chrono::milliseconds(200));
        if ((signals.received() != nullptr)) {
            context.state.stop();
            return;
        }
        const auto snapshot = context.state.snapshot();
        bool all_resolved = true;
        bool all_done = true;
        for (const auto& r : snapshot) {
            all_resolved = all_resolved && r.phase != Phase::starting;
            all_done = all_done && (r.phase == Phase::complete || r.phase == Phase::failed);
        }
        // Peers learn each other only once all are listening: a peer that
        // connects too early is refused and retried much later.
        if (!peers_given && all_resolved) {
            for (std::size_t i = 0; i < receivers.size(); ++i) {
                context.state.post(i, agent::Connect{ready_endpoints(receivers[i].peers, snapshot,
                                                                     context.source)});
            }
            peers_given = true;
            failed_seen.clear();
        }
        if (peers_given) {
            // Whoever counted on a failed peer gets the deployer instead.
            for (std::size_t f = 0; f < snapshot.size(); ++f) {
                if (snapshot[f].phase != Phase::failed || !failed_seen.insert(f).second) {
                    continue;
                }
                for (std::size_t i = 0; i < receivers.size(); ++i) {
                    const auto& peers = receivers[i].peers;
                    if (std::find(peers.begin(), peers.end(), f) != peers.end()) {
                        context.state.post(i, agent::Connect{{context.source}});
                    }
                }
            }
        }
        if (Clock::now() - last_report > std::chrono::seconds(2) || all_done) {
            last_report = Clock::now();
            std::vector<report::HostProgress> progress;
            for (std::size_t i = 0; i < receivers.size(); ++i) {
                progress.push_back({receivers[i].host->name, snapshot[i].downloaded,
                                    snapshot[i].wanted, snapshot[i].phase == Phase::complete});
            }
            context.reporter.swarm_progress(progress, seconds_since(start));
        }
        if (all_done) {
            for (std::size_t i = 0; i < receivers.size(); ++i) {
                context.state.post(i, agent::Finish{});
            }
            return;
        }
    }
}

// Seeds from the deployer while one thread per receiver talks to its agent
// and this one coordinates; returns when every receiver thread is done.
void run_swarm(SwarmContext& context, const std::vector<Receiver>& receivers,
               const std::vector<std::size_t>& receiver_host,
               std::vector<report::HostOutcome>& outcomes, const std::filesystem::path& staging,
               util::TerminationSignals& signals) {
    swarm::SwarmOptions source_options;
    source_options.listen = context.source;
    source_options.torrent = context.torrent.bytes;
    source_options.save_path = staging;
    source_options.certificate = context.ca.issue("@source", context.torrent.name);
    source_options.seed = true;
    source_options.upload_rate_limit = context.options.max_upload_rate;
    source_options.low_priority = context.options.low_priority;
    swarm::SwarmSession source(source_options);
    while (!source.ready()) {
        source.poll(std::chrono::milliseconds(200));
    }
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        threads.emplace_back(
            [&, i] { outcomes[receiver_host[i]] = serve_receiver(context, receivers[i], i); });
    }
    coordinate(context, source, receivers, signals);
}

} // namespace

std::vector<report::HostOutcome> push_swarm(const std::vector<inventory::Host>& hosts,
                                            const fleet::HostClosures& closures,
                                            const SwarmPushOptions& options,
                                            report::PushReporter& reporter,
                                            util::TerminationSignals& signals) {
    const ssh::Library ssh_library;
    std::vector<report::HostOutcome> outcomes(hosts.size());
    std::vector<Receiver> receivers;
    std::vector<std::size_t> receiver_host; // receiver -> index into hosts

    // 1. Who lacks what: one short SSH connection per host.
    const auto diffs = fleet::diff_fleet(
        hosts, closures, options.direct.remote, options.direct.substitute_on_destination,
        options.direct.jobs, [&](const inventory::Host& host, const fleet::HostDiffResult& result) {
            if (result.ok) {
                std::vector<std::string> missing;
                for (const auto& info : result.diff.missing) {
                    missing.push_back(info.path);
                }
                reporter.host_diff(host.name, missing, result.diff.missing_bytes);
            }
        });
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        outcomes[i].host = hosts[i].name;
        if (!diffs[i].ok) {
            outcomes[i].error = diffs[i].error;
            reporter.host_finished(outcomes[i]);
        } else if (diffs[i].diff.missing.empty()) {
            outcomes[i].ok = true;
            reporter.host_finished(outcomes[i]);
        } else {
            receivers.push_back(
                {&hosts[i], diffs[i].diff.missing, diffs[i].diff.missing_bytes, {}, {}, {}});
            receiver_host.push_back(i);
        }
    }
    if (receivers.empty() || (signals.received() != nullptr)) {
        return outcomes;
    }

    // 2. Plan, stage what anyone lacks, and seed it.
    plan_receivers(receivers, options);
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
    const auto key = deployment_key(closures.all_paths());
    const auto torrent_name = "shoal-" + key;
    const auto staging = options.staging / key;
    {
        nix::LocalStore local_store;
        stage_nars(local_store.connection(), to_stage, staging / torrent_name);
    }
    spdlog::info("staged {} NARs in {}", to_stage.size(), staging.string());
    auto ca = swarm::CertificateAuthority::create(torrent_name, std::chrono::hours(48));
    auto torrent = swarm::build_torrent(staging / torrent_name, ca.certificate_pem());
    for (auto& r : receivers) {
        r.certificate = ca.issue(r.host->name, torrent.name);
    }
    const swarm::Endpoint source_endpoint{
        options.listen_address.value_or(local_address_towards(receivers.front().host->address)),
        options.listen_port};
    SwarmContext context{options,
                         closures,
                         reporter,
                         ssh_library,
                         key,
                         std::move(torrent),
                         std::move(ca),
                         source_endpoint,
                         SwarmState(receivers.size())};
    run_swarm(context, receivers, receiver_host, outcomes, staging, signals);
    const bool all_ok = std::all_of(outcomes.begin(), outcomes.end(),
                                    [](const report::HostOutcome& o) { return o.ok; });
    // A rerun after a failure or an interrupt reuses the staged NARs.
    if (all_ok && !options.keep_cache && !(signals.received() != nullptr)) {
        std::filesystem::remove_all(staging);
    }
    return outcomes;
}

} // namespace shoal::push
