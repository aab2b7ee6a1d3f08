#include "deploy_options.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::cmd {
namespace {

std::chrono::seconds whole_seconds(const po::variables_map& values, const char* name) {
    const auto seconds = values[name].as<unsigned>();
    if (seconds == 0 || seconds > 24 * 3600) {
        throw util::UsageError(
            fmt::format("--{} {}: expected seconds between 1 and 86400", name, seconds));
    }
    return std::chrono::seconds(seconds);
}

std::string text_or_empty(const po::variables_map& values, const char* name) {
    return values.count(name) != 0U ? values[name].as<std::string>() : std::string();
}

} // namespace

po::options_description profile_options() {
    po::options_description options("Profile and activation");
    options.add_options()(
        "profile", po::value<std::string>()->value_name("NAME|PATH"),
        "point this profile at each host's closure as a new generation, as `nix-env -p PROFILE "
        "--set` does (NAME: /nix/var/nix/profiles/NAME; `system` on NixOS); default: the "
        "inventory's `profile:`")(
        "activate", po::value<std::string>()->value_name("CMD"),
        "shell command that activates the closure on each host, `{closure}` standing for its "
        "store path, e.g. '{closure}/bin/switch-to-configuration switch'; default: the "
        "inventory's `activate:`")("activate-timeout",
                                   po::value<unsigned>()->default_value(300)->value_name("S"),
                                   "an activation running longer fails (and the host rolls back)");
    return options;
}

po::options_description rollout_options() {
    po::options_description options("Health checks and staged rollout (with --activate)");
    options.add_options()("health-check", po::value<std::string>()->value_name("CMD"),
                          "shell command run on each host after activation; if it fails, the "
                          "host rolls back; default: the inventory's `health_check:`")(
        "health-timeout", po::value<unsigned>()->default_value(60)->value_name("S"),
        "a health check running longer fails")(
        "confirm-timeout", po::value<unsigned>()->default_value(30)->value_name("S"),
        "a host that the deployer has not confirmed over a fresh SSH connection within S s "
        "(plus --health-timeout) of activating rolls back by itself")(
        "canary", po::value<unsigned>()->default_value(0)->value_name("N"),
        "activate N hosts first (hosts tagged `canary` always go first)")(
        "batch-size", po::value<std::string>()->value_name("N|P%"),
        "then activate N hosts (or P% of them) at a time (default: all at once)")(
        "max-failures", po::value<std::string>()->default_value("0")->value_name("N|P%"),
        "stop activating once more than N hosts (or P%) failed or rolled back");
    return options;
}

deploy::DeployOptions deploy_options_from(const po::variables_map& values,
                                          fleet::RemoteOptions remote, std::size_t jobs) {
    deploy::DeployOptions options;
    options.remote = std::move(remote);
    options.jobs = jobs;
    options.profile = text_or_empty(values, "profile");
    options.activate = text_or_empty(values, "activate");
    options.timeouts.activate = whole_seconds(values, "activate-timeout");
    if (values.count("health-timeout") == 0U) {
        return options; // a command without the rollout group
    }
    options.health_check = text_or_empty(values, "health-check");
    options.timeouts.health = whole_seconds(values, "health-timeout");
    options.timeouts.confirm = whole_seconds(values, "confirm-timeout");
    options.rollout.canaries = values["canary"].as<unsigned>();
    if (values.count("batch-size") != 0U) {
        options.rollout.batch_size =
            deploy::HostCount::parse("--batch-size", values["batch-size"].as<std::string>());
        if (options.rollout.batch_size.value == 0) {
            throw util::UsageError("--batch-size must be at least 1 (or 1%)");
        }
    }
    options.rollout.max_failures =
        deploy::HostCount::parse("--max-failures", values["max-failures"].as<std::string>());
    return options;
}

} // namespace shoal::cmd
