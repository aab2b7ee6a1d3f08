#include "deploy/fleet_rollback.hpp"
#include "deploy_options.hpp"
#include "general_options.hpp"
#include "report/push_reporter.hpp"
#include "target_options.hpp"
#include "util/error.hpp"

#include <chrono>
#include <iostream>

namespace shoal::cmd {

int run_rollback(const std::vector<std::string>& args) {
    po::options_description options("Rollback options");
    options.add_options()(
        "jobs,j", po::value<std::size_t>()->default_value(fleet::default_jobs)->value_name("N"),
        "work on at most N hosts at once")(
        "json", "write JSON events to stdout, one per line (human text goes to stderr)");
    options.add(profile_options()).add(target_options()).add(remote_options());
    po::variables_map values;
    if (!parse_command_line(args,
                            "shoal rollback -i INVENTORY [selection] --profile NAME [options]",
                            options, {}, values)) {
        return 0;
    }
    const auto jobs = values["jobs"].as<std::size_t>();
    if (jobs == 0) {
        throw util::UsageError("--jobs must be at least 1");
    }
    const auto deploy_options = deploy_options_from(values, remote_options_from(values), jobs);
    const auto hosts = selected_hosts(values);
    const bool json = values.count("json") != 0U;
    report::PushReporter reporter(json ? &std::cout : nullptr, json ? std::cerr : std::cout);
    const auto start = std::chrono::steady_clock::now();
    const auto outcomes = deploy::roll_back_fleet(hosts, deploy_options, reporter);
    reporter.summary(
        outcomes, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
        false);
    for (const auto& outcome : outcomes) {
        if (!outcome.ok) {
            return 1;
        }
    }
    return 0;
}

} // namespace shoal::cmd
