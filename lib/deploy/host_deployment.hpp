#pragma once

#include "deploy/activation_guard.hpp"
#include "deploy/profile.hpp"
#include "report/push_reporter.hpp"
#include "ssh/session.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace shoal::deploy {

struct DeployTimeouts {
    std::chrono::seconds activate{300};
    std::chrono::seconds health{60};
    std::chrono::seconds confirm{30};
};

// What one host should end up with: its closure in a profile, perhaps activated.
struct HostTarget {
    std::string host;
    std::string closure;      // the one root store path
    std::string profile;      // absolute; empty: none
    std::string activate;     // user command; may be empty
    std::string health_check; // user command; may be empty

    bool activates() const { return !activate.empty() || !health_check.empty(); }
};

// How a host's deploy step ended.
struct HostDeployResult {
    report::Deploy state = report::Deploy::failed;
    std::optional<unsigned> generation; // current after the step
    std::string error;                  // why it is not where asked; empty when it is
};

// Changes one host's profile and activates it, over the host's existing SSH
// session; `reconnect` opens a fresh one for the dead man's switch. Never
// throws: failures are in the result (and reported).
class HostDeployment {
public:
    using Reconnect = std::function<std::unique_ptr<ssh::Session>()>;

    HostDeployment(ssh::Session& session, Reconnect reconnect, report::PushReporter& reporter,
                   DeployTimeouts timeouts);

    // Points the profile at the closure; nothing else.
    HostDeployResult set_profile(const HostTarget& target);

    // Sets the profile, then has a guard on the host activate it and run the
    // health check, and confirms over a fresh connection; anything short of
    // that puts the host back on its previous generation.
    HostDeployResult activate(const HostTarget& target);

private:
    HostDeployResult activate_guarded(const HostTarget& target, const GuardPlan& plan);
    // Waits up to `limit` for a file the guard writes; returns its content.
    std::string wait_for_guard_file(const GuardPlan& plan, std::string_view name,
                                    std::chrono::seconds limit);
    std::string read_guard_file(const GuardPlan& plan, std::string_view name);
    // Gives the guard the verdict `confirm`; false when its own verdict was first.
    bool confirm(ssh::Session& session, const GuardPlan& plan);
    HostDeployResult await_rollback(const HostTarget& target, const GuardPlan& plan,
                                    const std::string& reason);
    void remove_guard(const GuardPlan& plan);

    ssh::Session& session_;
    Reconnect reconnect_;
    report::PushReporter& reporter_;
    DeployTimeouts timeouts_;
};

} // namespace shoal::deploy
