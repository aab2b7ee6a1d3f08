#include "fleet/host_closures.hpp"
#include "general_options.hpp"
#include "nix/local_store.hpp"
#include "push/direct_push.hpp"
#include "report/push_reporter.hpp"
#include "target_options.hpp"
#include "util/error.hpp"

#include <chrono>
#include <iostream>

namespace shoal::cmd {
namespace {

constexpr std::string_view push_usage =
    "shoal push --direct -i INVENTORY [selection] [options] [PATH...]";

} // namespace

int run_push(const std::vector<std::string>& args) {
    po::options_description options("Push options");
    options.add_options()("direct", "copy from the deployer to every host over SSH")(
        "jobs,j", po::value<std::size_t>()->default_value(64)->value_name("N"),
        "work on at most N hosts at once")(
        "substitute-on-destination,s", "let targets first fetch what their own substituters have")(
        "json", "write JSON events to stdout, one per line (human text goes to stderr)")(
        "path", po::value<std::vector<std::string>>()->value_name("PATH"),
        "store paths (or symlinks such as ./result) whose closure every host gets, "
        "unless the inventory gives a host its own `closure:`");
    options.add(target_options()).add(remote_options());
    po::positional_options_description positionals;
    positionals.add("path", -1);
    po::variables_map values;
    if (!parse_command_line(args, push_usage, options, positionals, values)) {
        return 0;
    }
    if (values.count("direct") == 0U) {
        throw util::UsageError("only direct pushes exist so far: pass --direct");
    }
    push::DirectPushOptions push_options;
    push_options.remote = remote_options_from(values);
    push_options.substitute_on_destination = values.count("substitute-on-destination") != 0U;
    push_options.jobs = values["jobs"].as<std::size_t>();
    if (push_options.jobs == 0) {
        throw util::UsageError("--jobs must be at least 1");
    }
    const auto hosts = selected_hosts(values);
    const auto paths = values.count("path") != 0U ? values["path"].as<std::vector<std::string>>()
                                                  : std::vector<std::string>{};

    const auto start = std::chrono::steady_clock::now();
    nix::LocalStore local_store;
    const fleet::HostClosures closures(local_store.connection(), hosts, paths);
    const bool json = values.count("json") != 0U;
    report::PushReporter reporter(json ? &std::cout : nullptr, json ? std::cerr : std::cout);
    const auto outcomes = push::push_direct(hosts, closures, push_options, reporter);
    reporter.summary(
        outcomes, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    for (const auto& outcome : outcomes) {
        if (!outcome.ok) {
            return 1;
        }
    }
    return 0;
}

} // namespace shoal::cmd
