#pragma once

#include "deploy/host_deployment.hpp"
#include "deploy/rollout.hpp"
#include "fleet/host_closures.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "report/push_reporter.hpp"
#include "ssh/library.hpp"

#include <functional>
#include <memory>
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

// Brackets a push: first one SSH connection per host whose nix-store pins the
// host's whole closure with temporary GC roots (QueryValidPaths with its lock
// flag), so no garbage collection on the host deletes what the push relies on
// or imported, however long the push and the rollout take; then, once the
// copy is done, profiles and a staged activation over those same connections.
class Deployment {
public:
    Deployment(const std::vector<inventory::Host>& hosts, const fleet::HostClosures& closures,
               DeployOptions options, report::PushReporter& reporter);
    ~Deployment();
    Deployment(const Deployment&) = delete;
    Deployment& operator=(const Deployment&) = delete;

    // The hosts that could be reached and pinned: the ones to push to.
    const std::vector<inventory::Host>& reachable() const { return reachable_; }

    // Sets profiles and activates, stage by stage, on the hosts whose push
    // succeeded (`pushed` follows reachable()); then lets go of the pins.
    // `interrupted` is asked between stages. Returns every host's outcome in
    // the order of the hosts given at construction.
    std::vector<report::HostOutcome> finish(std::vector<report::HostOutcome> pushed,
                                            const std::function<bool()>& interrupted);

    // No host gets a profile: nothing roots the closure after the push.
    bool unrooted() const;

private:
    struct Pinned;

    void set_profiles(const std::vector<std::size_t>& hosts,
                      std::vector<report::HostOutcome>& outcomes);
    void roll_out(const std::vector<std::size_t>& hosts, std::vector<report::HostOutcome>& outcomes,
                  const std::function<bool()>& interrupted);
    HostDeployment host_deployment(std::size_t index);

    ssh::Library ssh_library_;
    DeployOptions options_;
    report::PushReporter& reporter_;
    std::vector<HostTarget> targets_;             // one per host given
    std::vector<std::unique_ptr<Pinned>> pinned_; // one per host given; null if unreached
    std::vector<report::HostOutcome> unreached_;  // by host given; empty host if reached
    std::vector<inventory::Host> reachable_;
    std::vector<std::size_t> reachable_index_; // reachable -> host given
    std::vector<bool> tagged_canary_;          // by host given
};

} // namespace shoal::deploy
