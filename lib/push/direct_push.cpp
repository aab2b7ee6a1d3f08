#include "push/direct_push.hpp"

#include "fleet/closure_diff.hpp"
#include "nix/local_store.hpp"
#include "ssh/library.hpp"
#include "util/parallel.hpp"

#include <chrono>

namespace shoal::push {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void copy_missing(const inventory::Host& host, const fleet::ClosureDiff& diff,
                  nix::ServeConnection& target, report::PushReporter& reporter,
                  report::HostOutcome& outcome) {
    // One local nix-store per host worker: dumps for different hosts run in parallel.
    nix::LocalStore local;
    for (const auto& info : diff.missing) {
        const auto start = Clock::now();
        target.add_to_store_nar(
            info, [&](io::Sink& nar) { local.connection().dump_store_path(info.path, nar); });
        ++outcome.paths;
        outcome.bytes += info.nar_size;
        reporter.path_copied(host.name, info.path, info.nar_size, seconds_since(start));
    }
}

} // namespace

report::HostOutcome push_host_direct(const ssh::Library& ssh_library, const inventory::Host& host,
                                     const std::vector<nix::PathInfo>& closure,
                                     const DirectPushOptions& options,
                                     report::PushReporter& reporter) {
    const auto start = Clock::now();
    report::HostOutcome outcome;
    outcome.host = host.name;
    try {
        fleet::RemoteStore target(ssh_library, host, options.remote);
        reporter.host_connected(host.name, target.destination());
        const auto diff =
            fleet::diff_closure(target.connection(), closure, options.substitute_on_destination);
        std::vector<std::string> missing_paths;
        for (const auto& info : diff.missing) {
            missing_paths.push_back(info.path);
        }
        reporter.host_diff(host.name, missing_paths, diff.missing_bytes);
        if (!diff.missing.empty()) {
            copy_missing(host, diff, target.connection(), reporter, outcome);
        }
        outcome.ok = true;
    } catch (const std::exception& e) {
        // Any failure is this host's alone: report it and let the others go on.
        outcome.error = e.what();
    }
    outcome.seconds = seconds_since(start);
    reporter.host_finished(outcome);
    return outcome;
}

std::vector<report::HostOutcome> push_direct(const std::vector<inventory::Host>& hosts,
                                             const fleet::HostClosures& closures,
                                             const DirectPushOptions& options,
                                             report::PushReporter& reporter) {
    const ssh::Library ssh_library;
    std::vector<report::HostOutcome> outcomes(hosts.size());
    util::run_parallel(hosts.size(), options.jobs, [&](std::size_t i) {
        outcomes[i] = push_host_direct(ssh_library, hosts[i], closures.closure_of(hosts[i].name),
                                       options, reporter);
    });
    return outcomes;
}

} // namespace shoal::push
