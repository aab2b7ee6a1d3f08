#include "deploy/fleet_rollback.hpp"

#include "deploy/activation_guard.hpp"
#include "deploy/profile.hpp"
#include "io/fibers.hpp"
#include "ssh/connector.hpp"
#include "ssh/remote_command.hpp"
#include "util/error.hpp"

#include <chrono>
#include <fmt/format.h>

namespace shoal::deploy {
namespace {

report::HostOutcome roll_back_host(ssh::Connector& connector, const inventory::Host& host,
                                   const HostTarget& target, const DeployOptions& options,
                                   report::PushReporter& reporter) {
    const auto start = std::chrono::steady_clock::now();
    report::HostOutcome outcome;
    outcome.host = host.name;
    try {
        const auto session_pointer = connector.open(fleet::connect_options(host, options.remote));
        auto& session = *session_pointer;
        const auto now = RemoteProfile(session, target.profile).roll_back_one();
        outcome.generation = now.number;
        outcome.deploy = report::Deploy::rolled_back;
        if (!target.activate.empty()) {
            const auto activation = ssh::run_remote(
                session, "cd / && " +
                             closure_command(target.activate, now.path, target.profile, now.number,
                                             options.timeouts.activate) +
                             " 2>&1");
            if (!activation.ok()) {
                const auto error = fmt::format("activating generation {} exited with status {}",
                                               now.number, activation.exit_status);
                reporter.activation_failed(host.name, error, activation.output);
                throw util::Error(error);
            }
        }
        reporter.rolled_back(host.name, now.number, "rollback requested");
        outcome.ok = true;
    } catch (const std::exception& e) {
        outcome.deploy = report::Deploy::failed;
        outcome.error = e.what();
    }
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reporter.host_finished(outcome);
    return outcome;
}

} // namespace

std::vector<report::HostOutcome> roll_back_fleet(const std::vector<inventory::Host>& hosts,
                                                 const DeployOptions& options,
                                                 report::PushReporter& reporter) {
    std::vector<HostTarget> targets;
    for (const auto& host : hosts) {
        HostTarget target;
        const auto& profile = options.profile.empty() ? host.profile : options.profile;
        if (profile.empty()) {
            throw util::UsageError(
                fmt::format("{}:{}: host '{}' has no profile to roll back: give --profile NAME (or "
                            "`profile:` in the inventory)",
                            host.location.file, host.location.line, host.name));
        }
        target.profile = profile_path(profile);
        target.activate = options.activate.empty() ? host.activate : options.activate;
        targets.push_back(std::move(target));
    }
    ssh::Connector connector;
    std::vector<report::HostOutcome> outcomes(hosts.size());
    io::run_on_fibers(hosts.size(), options.jobs, io::network_fiber_threads(), [&](std::size_t i) {
        outcomes[i] = roll_back_host(connector, hosts[i], targets[i], options, reporter);
    });
    return outcomes;
}

} // namespace shoal::deploy
