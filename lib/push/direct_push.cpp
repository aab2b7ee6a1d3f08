#include "push/direct_push.hpp"

#include "fleet/lasting_failure.hpp"
#include "push/direct_copy.hpp"
#include "ssh/library.hpp"
#include "util/parallel.hpp"

#include <chrono>
#include <fmt/format.h>

namespace shoal::push {

report::HostOutcome push_host_direct(const ssh::Library& ssh_library, const inventory::Host& host,
                                     const std::vector<nix::PathInfo>& closure,
                                     const DirectPushOptions& options,
                                     report::PushReporter& reporter,
                                     const std::optional<Fallback>& fallback) {
    const auto start = fallback ? fallback->host_start : std::chrono::steady_clock::now();
    report::HostOutcome outcome;
    outcome.host = host.name;
    CopiedTotals copied;
    try {
        DirectCopy target(ssh_library, host, options.remote, reporter);
        const auto diff = target.diff(closure, options.substitute_on_destination);
        std::vector<std::string> missing_paths;
        for (const auto& info : diff.missing) {
            missing_paths.push_back(info.path);
        }
        reporter.host_diff(host.name, missing_paths, diff.missing_bytes);
        target.copy(diff.missing, copied);
        outcome.ok = true;
        if (fallback) {
            target.remove_agent_staging(fallback->agent_staging);
        }
    } catch (const std::exception& e) {
        // Any failure is this host's alone: report it and let the others go on.
        const auto lasting = fleet::lasting_failure(e);
        outcome.error = lasting ? fmt::format("{} ({})", e.what(), *lasting) : e.what();
    }
    outcome.fell_back = fallback.has_value();
    outcome.paths = copied.paths;
    outcome.bytes = copied.bytes;
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
