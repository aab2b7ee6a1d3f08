#include "push/swarm_push.hpp"

#include "fleet/lasting_failure.hpp"
#include "fleet/staging_room.hpp"
#include "nix/closure.hpp"
#include "nix/local_store.hpp"
#include "nix/sha256.hpp"
#include "plan/planner.hpp"
#include "push/agent_connection.hpp"
#include "push/direct_copy.hpp"
#include "push/nar_staging.hpp"
#include "push/plan_input.hpp"
#include "push/slice_seeder.hpp"
#include "push/source_address.hpp"
#include "push/swarm_peers.hpp"
#include "push/swarm_state.hpp"
#include "swarm/certificate_authority.hpp"
#include "swarm/files.hpp"
#include "swarm/swarm_session.hpp"
#include "swarm/torrent_builder.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <future>
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
    fleet::RemoteStore* store = nullptr; // the push's own connection to it
    std::vector<nix::PathInfo> missing;  // dependencies first
    std::uint64_t missing_bytes = 0;
    std::vector<std::string> relay_files; // fetched only to pass on, per the plan
    fleet::Download download;             // what it fetches: its missing and relay files
    ReceiverRoute route;                  // its peers, and its slice of the deployer if fed
    swarm::CertificateAndKey certificate; // its ticket into the swarm
};

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

// Plans the fan-out over the receivers and derives each one's peers and the
// files it relays for others. Returns the receivers the deployer feeds, by slice.
std::vector<std::size_t> plan_receivers(std::vector<Receiver>& receivers,
                                        const SwarmPushOptions& options) {
    plan::Fleet fleet;
    for (const auto& r : receivers) {
        add_to_plan(fleet, *r.host, r.missing);
    }
    fleet.source_bandwidth_bps = source_bandwidth(fleet, options.source_bandwidth_bps);
    plan::PlanOptions plan_options;
    plan_options.fanout = options.fanout;
    auto plan = plan::make_plan(fleet, plan_options);

    std::map<std::string, std::size_t> receiver_by_name;
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        receiver_by_name[receivers[i].host->name] = i;
    }
    const auto routes = swarm_routes(plan);
    std::vector<std::size_t> fed;
    for (std::size_t k = 0; k < routes.sourced.size(); ++k) {
        fed.push_back(receiver_by_name.at(plan.hosts[routes.sourced[k]].name));
        receivers[fed.back()].route.slice = k;
    }
    for (std::size_t j = 0; j < plan.hosts.size(); ++j) {
        auto& r = receivers[receiver_by_name.at(plan.hosts[j].name)];
        for (const auto node : routes.peers[j]) {
            r.route.peers.push_back(node == plan::source_node
                                        ? deployer_peer
                                        : receiver_by_name.at(plan.hosts[node].name));
        }
        for (const auto id : plan.sets.paths(routes.relays[j])) {
            r.relay_files.push_back(nar_file_name(fleet.paths.name(id)));
        }
    }
    spdlog::info("plan: {} receivers, {} waves, fan-out {}, {} fed by the deployer",
                 plan.hosts.size(), plan.depth, plan.fanout, fed.size());
    return fed;
}

std::vector<ReceiverRoute> routes_of(const std::vector<Receiver>& receivers) {
    std::vector<ReceiverRoute> routes;
    for (const auto& r : receivers) {
        routes.push_back(r.route);
    }
    return routes;
}

// Everything one push's swarm shares: torrent, CA, the deployer's slice
// endpoints, state.
struct SwarmContext {
    Clock::time_point start; // of the push: the timeline counts from here
    const SwarmPushOptions& options;
    const fleet::HostClosures& closures;
    report::PushReporter& reporter;
    const ssh::Library& ssh_library;
    std::string key;
    swarm::CertificateAuthority ca;
    // Ready once the deployer has staged the NARs and built the torrent
    // (`torrent` is set then): agents connect and start meanwhile.
    std::shared_future<void> staged;
    swarm::BuiltTorrent torrent;
    std::vector<swarm::Endpoint> sources; // one per slice; together, every piece
    SwarmState state;
    std::vector<nix::PathInfo> agent_closure; // empty unless the agent program is in the store
    // Who is at an address: to name, and expel, a peer that an agent banned.
    struct HostAt {
        std::string name;
        std::optional<std::size_t> receiver;
    };
    std::map<std::string, HostAt> host_by_address;
};

// The closure of the agent program's store path, read once for all hosts.
// Without it, hosts that lack the program cannot start an agent (and fall
// back to a direct copy); the push itself can still go on.
std::vector<nix::PathInfo> agent_closure(const AgentProgram& agent) {
    if (!agent.store_path) {
        return {};
    }
    try {
        nix::LocalStore local_store;
        return nix::read_closure(local_store.connection(), {*agent.store_path});
    } catch (const util::Error& e) {
        spdlog::warn("cannot read the closure of {}, where shoal runs from, so hosts that lack it "
                     "cannot start an agent: {}",
                     *agent.store_path, e.what());
        return {};
    }
}

// Gives the host what it lacks of the agent program's closure, by a direct
// copy. Throws (naming the program) when the host cannot get it.
void install_agent_program(SwarmContext& context, const Receiver& receiver) {
    const auto start = Clock::now();
    const auto& host = *receiver.host;
    CopiedTotals copied;
    DirectCopy target(*receiver.store, host, context.reporter);
    try {
        const auto diff =
            target.diff(context.agent_closure, context.options.direct.substitute_on_destination);
        target.copy(diff.missing, copied);
    } catch (const std::exception& e) {
        throw util::Error(fmt::format("cannot copy {} (shoal itself) there: {}",
                                      *context.options.agent.store_path, e.what()));
    }
    if (copied.paths == 0) {
        spdlog::debug("{}: has shoal's own closure", host.name);
        return;
    }
    spdlog::info("{}: copied shoal's own closure: {} paths, {} in {}", host.name, copied.paths,
                 util::format_bytes(copied.bytes), util::format_seconds(seconds_since(start)));
}

// Where the host's agent keeps its downloads: `<remote staging>/<deployment>/<host>`.
std::string agent_staging(const SwarmContext& context, const inventory::Host& host) {
    return (std::filesystem::path(context.options.remote_staging) / context.key / host.name)
        .string();
}

agent::Assignment assignment_for(const SwarmContext& context, const Receiver& receiver) {
    agent::Assignment assignment;
    assignment.host = receiver.host->name;
    assignment.torrent = context.torrent.bytes;
    assignment.certificate = receiver.certificate;
    assignment.listen = {receiver.host->address, receiver.host->swarm_port};
    assignment.staging = agent_staging(context, *receiver.host);
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

// `host`'s agent caught `liar` sending data that failed its hash check: says
// so, has every agent refuse that address, and expels the receiver there, if
// any, from the swarm (a direct copy, which Nix checks, finishes it).
void ban_liar(SwarmContext& context, const inventory::Host& host, const swarm::Endpoint& liar) {
    const auto known = context.host_by_address.find(liar.address);
    const bool in_inventory = known != context.host_by_address.end();
    context.reporter.peer_banned(host.name, in_inventory ? known->second.name : "",
                                 liar.to_string());
    if (context.state.peer_banned(liar.address,
                                  in_inventory ? known->second.receiver : std::nullopt)) {
        spdlog::debug("every agent now refuses {}", liar.address);
    }
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
        if (!context.agent_closure.empty()) {
            install_agent_program(context, receiver);
        }
        AgentConnection agent(receiver.store->session(), host, context.options.direct.remote,
                              context.options.agent.command);
        // On the agent's own connection, before it gets its assignment (and
        // so stages anything): a download that fills its file system would kill it.
        fleet::check_staging_room(agent.session(), agent_staging(context, host), receiver.download);
        std::shared_future<void>(context.staged).get(); // each thread its own copy
        context.state.agent_starting(index);
        agent.send(assignment_for(context, receiver));
        bool finished = false;
        while (!finished) {
            auto received = agent.receive();
            if (!received) {
                // Done lingering, its job is over; before that, it died.
                if (context.state.phase(index) != Phase::complete) {
                    agent.fail(fmt::format("the agent exited with status {}", agent.wait()));
                }
                break;
            }
            std::visit(
                [&](const auto& event) {
                    using T = std::decay_t<decltype(event)>;
                    if constexpr (std::is_same_v<T, agent::Ready>) {
                        context.state.agent_ready(index, {host.address, event.port});
                        context.reporter.agent_ready(host.name);
                    } else if constexpr (std::is_same_v<T, agent::Progress>) {
                        context.state.agent_progress(index, event.downloaded, event.wanted);
                    } else if constexpr (std::is_same_v<T, agent::PathImported>) {
                        ++outcome.paths;
                        context.reporter.path_imported(host.name, event.path);
                    } else if constexpr (std::is_same_v<T, agent::Complete>) {
                        context.state.agent_complete(index);
                        outcome.bytes = receiver.missing_bytes;
                    } else if constexpr (std::is_same_v<T, agent::PeerBanned>) {
                        ban_liar(context, host, event.peer);
                    } else {
                        throw util::Error("agent: " + event.message);
                    }
                },
                *received);
            if (context.state.stopping()) {
                throw util::Error("interrupted");
            }
            for (const auto& action : context.state.take_orders(index)) {
                if (const auto* give_up = std::get_if<GiveUp>(&action)) {
                    throw util::Error(give_up->reason);
                }
                const auto& command = std::get<agent::Command>(action);
                agent.send(command);
                finished = finished || std::holds_alternative<agent::Finish>(command);
            }
        }
        spdlog::debug("{}: finished, waiting for its agent to exit", host.name);
        if (const int status = agent.wait(); status != 0) {
            // The host has its closure all the same.
            spdlog::warn("{}: its agent exited with status {} after the host was complete",
                         host.name, status);
        }
        spdlog::debug("{}: its agent exited", host.name);
        outcome.ok = true;
        outcome.seconds = seconds_since(start);
        context.reporter.host_finished(outcome);
        return outcome;
    } catch (const std::exception& e) {
        context.state.receiver_failed(index);
        const auto lasting = fleet::lasting_failure(e);
        if (context.state.stopping() || !context.options.fallback || lasting) {
            outcome.error = lasting ? fmt::format("{} ({}; no direct copy was tried: it would fail "
                                                  "the same way)",
                                                  e.what(), *lasting)
                                    : e.what();
            outcome.seconds = seconds_since(start);
            context.reporter.host_finished(outcome);
            return outcome;
        }
        context.reporter.host_fallback(host.name, e.what());
    }
    // Once the host has its closure, the failed agent's downloads are only in the way.
    return push_host_direct(context.ssh_library, host, context.closures.closure_of(host.name),
                            context.options.direct, context.reporter,
                            Fallback{agent_staging(context, host), start});
}

// The deployer's side of the swarm: seeds, has the coordinator decide,
// reports progress, and returns once every receiver is complete or failed.
void coordinate(SwarmContext& context, SliceSeeder& sources, const std::vector<Receiver>& receivers,
                io::TerminationSignals& signals) {
    const auto start = Clock::now();
    auto last_report = start;
    bool first_byte = false;
    for (;;) {
        sources.poll(std::chrono::milliseconds(200));
        if ((signals.received() != nullptr)) {
            context.state.stop();
            return;
        }
        const auto decisions = context.state.decide();
        if (decisions.peers_given) {
            spdlog::debug("timeline: every agent listens, peers given, {} into the push",
                          util::format_seconds(seconds_since(context.start)));
        }
        for (const auto i : decisions.opened) {
            spdlog::info("{} is stuck: giving it every slice of the deployer",
                         receivers[i].host->name);
        }
        const auto snapshot = context.state.snapshot();
        if (!first_byte && std::any_of(snapshot.begin(), snapshot.end(),
                                       [](const auto& r) { return r.downloaded > 0; })) {
            first_byte = true;
            spdlog::debug("timeline: first byte received, {} into the push",
                          util::format_seconds(seconds_since(context.start)));
        }
        if (Clock::now() - last_report > std::chrono::seconds(2) || decisions.finished) {
            last_report = Clock::now();
            std::vector<report::HostProgress> progress;
            for (std::size_t i = 0; i < receivers.size(); ++i) {
                progress.push_back({receivers[i].host->name, snapshot[i].downloaded,
                                    snapshot[i].wanted, snapshot[i].phase == Phase::complete});
            }
            context.reporter.swarm_progress(progress, seconds_since(start));
        }
        if (decisions.finished) {
            spdlog::debug("timeline: every host complete or failed, {} into the push",
                          util::format_seconds(seconds_since(context.start)));
            return;
        }
    }
}

// The files each fed receiver downloads, by slice.
std::vector<std::set<std::string>> wanted_by_slice(const std::vector<Receiver>& receivers,
                                                   const std::vector<std::size_t>& fed) {
    std::vector<std::set<std::string>> wanted;
    for (const auto i : fed) {
        auto& files =
            wanted.emplace_back(receivers[i].relay_files.begin(), receivers[i].relay_files.end());
        for (const auto& info : receivers[i].missing) {
            files.insert(nar_file_name(info.path));
        }
    }
    return wanted;
}

// Stages every NAR that some receiver lacks and builds the push's torrent.
void stage(SwarmContext& context, const std::vector<nix::PathInfo>& to_stage,
           const std::filesystem::path& staging) {
    const auto torrent_name = torrent_name_for(context.key);
    {
        nix::LocalStore local_store;
        stage_nars(local_store.connection(), to_stage, staging / torrent_name);
    }
    spdlog::info("staged {} NARs in {}", to_stage.size(), staging.string());
    spdlog::debug("timeline: staged, {} into the push",
                  util::format_seconds(seconds_since(context.start)));
    context.torrent = swarm::build_torrent(staging / torrent_name, context.ca.certificate_pem());
    // Public data only (file hashes, the CA's certificate): lets an operator
    // inspect the push, or test that a client holding it is refused.
    swarm::write_file_atomically(staging / (torrent_name + ".torrent"), context.torrent.bytes);
    spdlog::debug("timeline: torrent built, {} into the push",
                  util::format_seconds(seconds_since(context.start)));
}

// One thread per receiver connects its agent while this one stages the
// NARs; then the deployer serves its slices and this thread coordinates.
// Returns when every receiver thread is done.
void run_swarm(SwarmContext& context, const std::vector<Receiver>& receivers,
               const std::vector<std::size_t>& fed, const std::vector<std::size_t>& receiver_host,
               std::vector<report::HostOutcome>& outcomes,
               const std::vector<nix::PathInfo>& to_stage, const std::filesystem::path& staging,
               io::TerminationSignals& signals) {
    std::promise<void> staged;
    bool staged_set = false;
    context.staged = staged.get_future().share();
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        threads.emplace_back(
            [&, i] { outcomes[receiver_host[i]] = serve_receiver(context, receivers[i], i); });
    }
    try {
        stage(context, to_stage, staging);
        staged.set_value();
        staged_set = true;
        swarm::SwarmOptions source_options;
        source_options.torrent = context.torrent.bytes;
        source_options.save_path = staging;
        source_options.certificate = context.ca.issue("@source", context.torrent.name);
        source_options.upload_rate_limit = context.options.max_upload_rate;
        source_options.low_priority = context.options.low_priority;
        SliceSeeder sources(source_options, context.sources, wanted_by_slice(receivers, fed));
        coordinate(context, sources, receivers, signals);
    } catch (...) {
        // Nobody coordinates now: the host threads, joined on the way out,
        // must stop their agents rather than wait out a stall or a linger.
        context.state.stop();
        if (!staged_set) {
            staged.set_exception(std::current_exception());
        }
        throw;
    }
}

} // namespace

std::vector<report::HostOutcome> push_swarm(fleet::HostConnections& connections,
                                            const fleet::HostClosures& closures,
                                            const SwarmPushOptions& options,
                                            report::PushReporter& reporter,
                                            io::TerminationSignals& signals) {
    const auto start = Clock::now();
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
    if (receivers.empty() || (signals.received() != nullptr)) {
        return outcomes;
    }

    // 2. Plan; then, while agents start, stage what anyone lacks, and seed it.
    const auto fed = plan_receivers(receivers, options);
    std::map<std::string, nix::PathInfo> union_paths;
    for (const auto& r : receivers) {
        for (const auto& info : r.missing) {
            union_paths.emplace(info.path, info);
        }
    }
    std::vector<nix::PathInfo> to_stage;
    std::map<std::string, std::uint64_t> file_bytes;
    for (const auto& [path, info] : union_paths) {
        to_stage.push_back(info);
        file_bytes[nar_file_name(path)] = info.nar_size;
    }
    for (auto& r : receivers) {
        r.download = {r.missing_bytes, r.missing.size()};
        for (const auto& file : r.relay_files) {
            r.download.bytes += file_bytes.at(file);
            ++r.download.files;
        }
    }
    const auto key = deployment_key(closures.all_paths());
    const auto torrent_name = torrent_name_for(key);
    const auto staging = options.staging / key;
    auto ca = swarm::CertificateAuthority::create(torrent_name, std::chrono::hours(48));
    for (auto& r : receivers) {
        r.certificate = ca.issue(r.host->name, torrent_name);
    }
    const auto source_address =
        options.listen_address.value_or(local_address_towards(receivers.front().host->address));
    std::vector<swarm::Endpoint> source_endpoints;
    for (std::size_t k = 0; k < fed.size(); ++k) {
        source_endpoints.push_back(
            {source_address, static_cast<std::uint16_t>(options.listen_port + k)});
    }
    SwarmContext context{start,
                         options,
                         closures,
                         reporter,
                         connections.ssh_library(),
                         key,
                         std::move(ca),
                         {},
                         {},
                         source_endpoints,
                         SwarmState(routes_of(receivers), source_endpoints,
                                    {options.agent_start_timeout, options.stall_timeout}),
                         agent_closure(options.agent),
                         {}};
    for (const auto& host : hosts) {
        context.host_by_address.emplace(host.address, SwarmContext::HostAt{host.name, {}});
    }
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        context.host_by_address[receivers[i].host->address].receiver = i;
    }
    run_swarm(context, receivers, fed, receiver_host, outcomes, to_stage, staging, signals);
    const bool all_ok = std::all_of(outcomes.begin(), outcomes.end(),
                                    [](const report::HostOutcome& o) { return o.ok; });
    // A rerun after a failure or an interrupt reuses the staged NARs.
    if (all_ok && !options.keep_cache && !(signals.received() != nullptr)) {
        std::filesystem::remove_all(staging);
    }
    return outcomes;
}

} // namespace shoal::push
