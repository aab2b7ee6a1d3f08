#pragma once

#include "deploy/host_deployment.hpp"
#include "deploy/rollout.hpp"
#include "fleet/host_closures.hpp"
#include "fleet/host_connections.hpp"
#include "inventory/host.hpp"
#include "report/push_reporter.hpp"

#include <functional>
#include <string>
#include <vector>

namespace shoal::deploy {

// What happens on a host once it holds its closure. Command-line values win
// over the inventory's per-host ones.
struct DeployOptions {
    std::string profile;      // name or absolute path; empty: the inventory's, if any
    std::string activate;     // empty: the inventory's, if any
    std::string health_check; // empty: the inventory's, if any
    DeployTimeouts timeouts;
    RolloutOptions rollout;
    fleet::RemoteOptions remote;
    std::size_t jobs = fleet::default_jobs;
};

// Each host's profile, activation and health check, resolved. Throws
// UsageError, naming the host and its inventory line, for a profile on a
// host with other than one root path, or an activation without a profile.
std::vector<HostTarget> deploy_targets(const std::vector<inventory::Host>& hosts,
                                       const fleet::HostClosures& closures,
                                       const DeployOptions& options);

// What follows a push on each host, over the push's own connections
// (fleet::HostConnections, whose temporary GC roots keep every closure alive
// until its profile holds it): profiles, then a staged activation.
class Deployment {
public:
    // Checks the deploy settings of every host: usage errors come before any connection.
    Deployment(const std::vector<inventory::Host>& hosts, const fleet::HostClosures& closures,
               DeployOptions options, report::PushReporter& reporter);

    // Sets profiles and activates, stage by stage, on the hosts whose push
    // succeeded (`pushed` follows the hosts given at construction, as do
    // `connections`); then lets go of the connections and their pins.
    // `interrupted` is asked between stages.
    std::vector<report::HostOutcome> finish(fleet::HostConnections& connections,
                                            std::vector<report::HostOutcome> pushed,
                                            const std::function<bool()>& interrupted);

    // No host gets a profile: nothing roots the closure after the push.
    bool unrooted() const;

private:
    void set_profiles(fleet::HostConnections& connections, const std::vector<std::size_t>& hosts,
                      std::vector<report::HostOutcome>& outcomes);
    void roll_out(fleet::HostConnections& connections, const std::vector<std::size_t>& hosts,
                  std::vector<report::HostOutcome>& outcomes,
                  const std::function<bool()>& interrupted);
    HostDeployment host_deployment(fleet::HostConnections& connections, std::size_t index);

    DeployOptions options_;
    report::PushReporter& reporter_;
    std::vector<HostTarget> targets_; // one per host given
    std::vector<bool> tagged_canary_; // by host given
};

} // namespace shoal::deploy
