#include "deploy/deployment.hpp"

#include "deploy/profile.hpp"
#include "io/fibers.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <spdlog/spdlog.h>

namespace shoal::deploy {

namespace {

// A host's deploy step goes into its outcome; a failed one makes the host failed.
void record(const HostDeployResult& result, report::HostOutcome& outcome) {
    outcome.deploy = result.state;
    outcome.generation = result.generation;
    if (!result.error.empty()) {
        outcome.ok = false;
        outcome.error = result.error;
    }
}

} // namespace

std::vector<HostTarget> deploy_targets(const std::vector<inventory::Host>& hosts,
                                       const fleet::HostClosures& closures,
                                       const DeployOptions& options) {
    std::vector<HostTarget> targets;
    for (const auto& host : hosts) {
        HostTarget target;
        target.host = host.name;
        const auto where =
            fmt::format("{}:{}: host '{}'", host.location.file, host.location.line, host.name);
        const auto& profile = options.profile.empty() ? host.profile : options.profile;
        target.activate = options.activate.empty() ? host.activate : options.activate;
        target.health_check =
            options.health_check.empty() ? host.health_check : options.health_check;
        if (profile.empty()) {
            if (target.activates()) {
                throw util::UsageError(fmt::format(
                    "{}: activation and health checks need a profile to roll back to: give "
                    "--profile NAME (or `profile:` in the inventory)",
                    where));
            }
            targets.push_back(std::move(target));
            continue;
        }
        target.profile = profile_path(profile);
        const auto& roots = closures.roots_of(host.name);
        if (roots.size() != 1) {
            throw util::UsageError(
                fmt::format("{}: a profile points at one store path, but the host's closure has "
                            "{} roots; push one path (or give the host its own `closure:`)",
                            where, roots.size()));
        }
        target.closure = *roots.begin();
        targets.push_back(std::move(target));
    }
    return targets;
}

Deployment::Deployment(const std::vector<inventory::Host>& hosts,
                       const fleet::HostClosures& closures, DeployOptions options,
                       report::PushReporter& reporter)
    : options_(std::move(options)), reporter_(reporter),
      targets_(deploy_targets(hosts, closures, options_)) {
    for (const auto& host : hosts) {
        tagged_canary_.push_back(std::find(host.tags.begin(), host.tags.end(), "canary") !=
                                 host.tags.end());
    }
}

bool Deployment::unrooted() const {
    return std::none_of(targets_.begin(), targets_.end(),
                        [](const HostTarget& t) { return !t.profile.empty(); });
}

HostDeployment Deployment::host_deployment(fleet::HostConnections& connections, std::size_t index) {
    return HostDeployment(
        connections.store(index).session(),
        [this, &connections, index] {
            return connections.connector().open(
                fleet::connect_options(connections.hosts().at(index), options_.remote));
        },
        reporter_, options_.timeouts);
}

void Deployment::set_profiles(fleet::HostConnections& connections,
                              const std::vector<std::size_t>& hosts,
                              std::vector<report::HostOutcome>& outcomes) {
    io::run_on_fibers(hosts.size(), options_.jobs, io::network_fiber_threads(), [&](std::size_t k) {
        const auto i = hosts[k];
        record(host_deployment(connections, i).set_profile(targets_[i]), outcomes[i]);
    });
}

void Deployment::roll_out(fleet::HostConnections& connections,
                          const std::vector<std::size_t>& hosts,
                          std::vector<report::HostOutcome>& outcomes,
                          const std::function<bool()>& interrupted) {
    std::vector<bool> tagged;
    for (const auto i : hosts) {
        tagged.push_back(tagged_canary_[i]);
    }
    const auto stages = plan_rollout(tagged, options_.rollout);
    const auto budget = failure_budget(options_.rollout, hosts.size());
    std::size_t failures = 0;
    std::string stopped;
    for (std::size_t s = 0; s < stages.size(); ++s) {
        const auto& stage = stages[s];
        if (stopped.empty() && interrupted()) {
            stopped = "interrupted";
        }
        if (!stopped.empty()) {
            for (const auto k : stage.hosts) {
                auto& outcome = outcomes[hosts[k]];
                outcome.ok = false;
                outcome.deploy = report::Deploy::not_activated;
                outcome.error = "not activated: " + stopped;
                reporter_.not_activated(outcome.host, stopped);
            }
            continue;
        }
        std::vector<std::string> names;
        for (const auto k : stage.hosts) {
            names.push_back(targets_[hosts[k]].host);
        }
        reporter_.rollout_stage(s + 1, stage_kind_name(stage.kind), names);
        io::run_on_fibers(
            stage.hosts.size(), options_.jobs, io::network_fiber_threads(), [&](std::size_t j) {
                const auto i = hosts[stage.hosts[j]];
                record(host_deployment(connections, i).activate(targets_[i]), outcomes[i]);
            });
        for (const auto k : stage.hosts) {
            failures += outcomes[hosts[k]].deploy == report::Deploy::activated ? 0 : 1;
        }
        if (failures > budget && s + 1 < stages.size()) {
            const auto reason = fmt::format("{} {} failed, more than --max-failures allows ({})",
                                            failures, failures == 1 ? "host" : "hosts", budget);
            reporter_.rollout_stopped(reason, failures);
            stopped = "the rollout stopped: " + reason;
        }
    }
}

std::vector<report::HostOutcome> Deployment::finish(fleet::HostConnections& connections,
                                                    std::vector<report::HostOutcome> pushed,
                                                    const std::function<bool()>& interrupted) {
    auto outcomes = std::move(pushed);
    std::vector<std::size_t> profile_only;
    std::vector<std::size_t> activating;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        if (!outcomes[i].ok || targets_[i].profile.empty()) {
            continue;
        }
        (targets_[i].activates() ? activating : profile_only).push_back(i);
    }
    set_profiles(connections, profile_only, outcomes);
    if (!activating.empty()) {
        roll_out(connections, activating, outcomes, interrupted);
    }
    connections.release(); // lets go of the temporary roots: the profiles hold the closures now
    return outcomes;
}

} // namespace shoal::deploy
