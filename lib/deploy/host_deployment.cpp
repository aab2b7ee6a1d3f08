#include "deploy/host_deployment.hpp"

#include "ssh/remote_command.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <charconv>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::deploy {
namespace {

using std::chrono::seconds;
using util::shell_quote;

// Slack on top of the guard's own limits for the round trips around them.
constexpr seconds guard_slack{30};

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

int exit_code(const std::string& text) {
    int code = -1;
    const auto word = trimmed(text);
    std::from_chars(word.data(), word.data() + word.size(), code);
    return code;
}

std::string file_in(const GuardPlan& plan, std::string_view name) {
    return shell_quote(plan.directory + "/" + std::string(name));
}

} // namespace

HostDeployment::HostDeployment(ssh::Session& session, Reconnect reconnect,
                               report::PushReporter& reporter, DeployTimeouts timeouts)
    : session_(session), reconnect_(std::move(reconnect)), reporter_(reporter),
      timeouts_(timeouts) {}

HostDeployResult HostDeployment::set_profile(const HostTarget& target) {
    HostDeployResult result;
    try {
        RemoteProfile profile(session_, target.profile);
        const auto previous = profile.current();
        const auto change = profile.set(target.closure);
        reporter_.profile_set(
            {target.host, target.profile, target.closure, change.generation.number,
             previous ? std::optional(previous->number) : std::nullopt, change.created});
        result.state = report::Deploy::profile_set;
        result.generation = change.generation.number;
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    return result;
}

HostDeployResult HostDeployment::activate(const HostTarget& target) {
    HostDeployResult result;
    GuardPlan plan;
    try {
        RemoteProfile profile(session_, target.profile);
        plan.profile = target.profile;
        plan.previous = profile.current();
        const auto change = profile.set(target.closure);
        plan.generation = change.generation;
        plan.created = change.created;
        reporter_.profile_set(
            {target.host, target.profile, target.closure, change.generation.number,
             plan.previous ? std::optional(plan.previous->number) : std::nullopt, change.created});
        result.generation = change.generation.number;
        if (!target.activate.empty()) {
            plan.activate = closure_command(target.activate, target.closure, target.profile,
                                            plan.generation.number, timeouts_.activate);
            if (plan.previous) {
                plan.activate_previous =
                    closure_command(target.activate, plan.previous->path, target.profile,
                                    plan.previous->number, timeouts_.activate);
            }
        }
        if (!target.health_check.empty()) {
            plan.health_check = closure_command(target.health_check, target.closure, target.profile,
                                                plan.generation.number, timeouts_.health);
        }
        plan.confirm_timeout = timeouts_.confirm;
        const auto made = ssh::run_remote(session_, "mktemp -d /tmp/shoal-activation.XXXXXX");
        if (!made.ok()) {
            throw util::Error("cannot make a directory for the activation guard: " + made.reason());
        }
        plan.directory = trimmed(made.output);
    } catch (const std::exception& e) {
        result.error = e.what();
        return result;
    }
    try {
        result = activate_guarded(target, plan);
    } catch (const std::exception& e) {
        // The connection broke: the guard decides alone, and without a
        // confirmation it rolls the host back.
        result.state = report::Deploy::failed;
        result.error = fmt::format("lost the host during activation ({}); unless it was "
                                   "confirmed, its guard rolls it back within {} s",
                                   e.what(), plan.confirm_timeout.count());
        return result;
    }
    remove_guard(plan);
    return result;
}

HostDeployResult HostDeployment::activate_guarded(const HostTarget& target, const GuardPlan& plan) {
    const auto write = ssh::run_remote(session_, "umask 077 && cat > " + file_in(plan, "guard.sh"),
                                       guard_script(plan));
    // Detached in its own session: it outlives this connection and the deployer.
    const auto start = ssh::run_remote(session_, fmt::format("setsid sh {} </dev/null >{} 2>&1 &",
                                                             file_in(plan, "guard.sh"),
                                                             file_in(plan, "guard.log")));
    if (!write.ok() || !start.ok()) {
        throw util::Error("cannot start the activation guard: " +
                          (write.ok() ? start : write).reason());
    }
    const int status =
        exit_code(wait_for_guard_file(plan, "activation-status", timeouts_.activate + guard_slack));
    if (status != 0) {
        reporter_.activation_failed(
            target.host,
            status == 124 || status == 137
                ? fmt::format("activation timed out after {} s", timeouts_.activate.count())
                : fmt::format("activation exited with status {}", status),
            read_guard_file(plan, "activate.log"));
        return await_rollback(target, plan, "activation failed");
    }
    reporter_.activated(target.host, plan.generation.number);
    const int health =
        exit_code(wait_for_guard_file(plan, "health-status", timeouts_.health + guard_slack));
    if (health != 0) {
        reporter_.health_failed(
            target.host,
            health == 124 || health == 137
                ? fmt::format("health check timed out after {} s", timeouts_.health.count())
                : fmt::format("health check exited with status {}", health),
            read_guard_file(plan, "health.log"));
        return await_rollback(target, plan, "health check failed");
    }
    // Confirm over a fresh connection: it proves that activation left SSH working.
    std::unique_ptr<ssh::Session> fresh;
    try {
        fresh = reconnect_();
    } catch (const std::exception& e) {
        return await_rollback(
            target, plan,
            fmt::format("cannot reach the host again after activation: {}", e.what()));
    }
    if (!confirm(*fresh, plan)) {
        return await_rollback(target, plan,
                              fmt::format("not confirmed within {} s of a healthy activation",
                                          plan.confirm_timeout.count()));
    }
    reporter_.confirmed(target.host);
    return {report::Deploy::activated, plan.generation.number, {}};
}

std::string HostDeployment::wait_for_guard_file(const GuardPlan& plan, std::string_view name,
                                                std::chrono::seconds limit) {
    const auto file = file_in(plan, name);
    // Polls on the host, bounded: a guard that died leaves no file.
    const auto result = ssh::run_remote(
        session_, fmt::format("i=0; until [ -e {0} ]; do i=$((i + 1)); [ $i -le {1} ] || exit 3; "
                              "sleep 0.2; done; cat {0}",
                              file, limit.count() * 5));
    if (!result.ok()) {
        throw util::Error(fmt::format("the activation guard wrote no {} within {} s ({}); see {}",
                                      name, limit.count(), result.reason(),
                                      plan.directory + "/guard.log"));
    }
    return result.output;
}

std::string HostDeployment::read_guard_file(const GuardPlan& plan, std::string_view name) {
    return ssh::run_remote(session_, "tail -c 65536 " + file_in(plan, name)).output;
}

bool HostDeployment::confirm(ssh::Session& session, const GuardPlan& plan) {
    return ssh::run_remote(session, "ln -s confirm " + file_in(plan, "verdict")).ok();
}

HostDeployResult HostDeployment::await_rollback(const HostTarget& target, const GuardPlan& plan,
                                                const std::string& reason) {
    HostDeployResult result;
    const int status = exit_code(wait_for_guard_file(plan, "rollback-status",
                                                     timeouts_.activate + timeouts_.health +
                                                         plan.confirm_timeout + guard_slack));
    const auto log = trimmed(read_guard_file(plan, "rollback.log"));
    if (status != 0) {
        result.state = report::Deploy::failed;
        result.generation = plan.generation.number;
        result.error = fmt::format("{}, and rolling back failed: {}", reason,
                                   log.empty() ? fmt::format("status {}", status) : log);
        return result;
    }
    const auto now = RemoteProfile(session_, plan.profile).current();
    reporter_.rolled_back(target.host, now ? std::optional(now->number) : std::nullopt, reason);
    result.state = report::Deploy::rolled_back;
    result.generation = now ? std::optional(now->number) : std::nullopt;
    result.error =
        fmt::format("{}; rolled back to {}", reason,
                    now ? fmt::format("generation {}", now->number) : std::string("no generation"));
    return result;
}

void HostDeployment::remove_guard(const GuardPlan& plan) {
    try {
        // The guard exits right after `finished`; removing earlier would
        // make it miss its verdict.
        wait_for_guard_file(plan, "finished", guard_slack);
        ssh::run_remote(session_, "rm -rf " + shell_quote(plan.directory));
    } catch (const std::exception& e) {
        spdlog::warn("{}: left the activation guard's directory {}: {}", session_.destination(),
                     plan.directory, e.what());
    }
}

} // namespace shoal::deploy
