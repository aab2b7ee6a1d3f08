#include "push/agent_start.hpp"

#include "nix/closure.hpp"
#include "nix/local_store.hpp"
#include "nix/nar_file.hpp"
#include "push/direct_copy.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::push {
namespace {

using Clock = std::chrono::steady_clock;

// Gives the host what it lacks of the agent program's closure, by a direct
// copy. Throws (naming the program) when the host cannot get it.
void install_agent_program(const SwarmContext& context, const Receiver& receiver) {
    const auto start = Clock::now();
    const auto& host = *receiver.host;
    const auto& store_path = *receiver.agent->store_path;
    CopiedTotals copied;
    DirectCopy target(*receiver.store, host, context.reporter);
    try {
        const auto diff = target.diff(context.agent_closures.at(store_path),
                                      context.options.direct.substitute_on_destination);
        target.copy(diff.missing, copied);
    } catch (const std::exception& e) {
        throw util::Error(
            fmt::format("cannot copy {} (shoal itself) there: {}", store_path, e.what()));
    }
    if (copied.paths == 0) {
        spdlog::debug("{}: has shoal's own closure", host.name);
        return;
    }
    spdlog::info("{}: copied shoal's own closure: {} paths, {} in {}", host.name, copied.paths,
                 util::format_bytes(copied.bytes),
                 util::format_seconds(util::seconds_since(start)));
}

} // namespace

std::map<std::string, std::vector<nix::PathInfo>>
agent_closures(const std::vector<AgentProgram>& agents) {
    std::map<std::string, std::vector<nix::PathInfo>> closures;
    for (const auto& agent : agents) {
        if (!agent.store_path || closures.contains(*agent.store_path)) {
            continue;
        }
        try {
            nix::LocalStore local_store;
            closures.emplace(*agent.store_path,
                             nix::read_closure(local_store.connection(), {*agent.store_path}));
        } catch (const util::Error& e) {
            spdlog::warn("cannot read the closure of {}, shoal's agent, so hosts that lack it "
                         "cannot start an agent: {}",
                         *agent.store_path, e.what());
        }
    }
    return closures;
}

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
        assignment.paths.push_back({info, nix::nar_file_name(info.path, context.compression)});
    }
    assignment.relay_files = receiver.relay_files;
    assignment.low_priority = context.options.low_priority;
    assignment.upload_limit = context.options.max_upload_rate;
    assignment.download_limit = context.options.max_download_rate;
    assignment.peer_limit_while_fed = receiver.peer_limit_while_fed;
    assignment.linger = context.options.linger;
    assignment.keep_cache = context.options.keep_cache;
    return assignment;
}

std::unique_ptr<AgentConnection> start_agent(const SwarmContext& context,
                                             const Receiver& receiver) {
    if (receiver.agent == nullptr) {
        // The driver falls back to a direct copy, as for any agent that cannot start.
        throw util::Error(fmt::format("no shoal agent for {}: give --agent with a shoal built for "
                                      "it to bring the host into the swarm",
                                      receiver.system));
    }
    const auto& agent = *receiver.agent;
    if (agent.store_path && context.agent_closures.contains(*agent.store_path)) {
        install_agent_program(context, receiver);
    }
    return std::make_unique<AgentConnection>(receiver.store->session(), *receiver.host,
                                             agent.command);
}

} // namespace shoal::push
