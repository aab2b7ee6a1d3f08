#include "push/direct_push.hpp"

#include "fleet/lasting_failure.hpp"
#include "io/descriptor_limit.hpp"
#include "io/fibers.hpp"
#include "push/direct_copy.hpp"
#include "push/plan_input.hpp"
#include "ssh/connector.hpp"
#include "util/logging.hpp"
#include "util/units.hpp"

#include <chrono>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace shoal::push {

namespace {

using Clock = std::chrono::steady_clock;

// Runs `copy` for one host and reports how it went as the host's outcome.
// Any failure is this host's alone: the others go on.
report::HostOutcome copy_outcome(const std::string& host, Clock::time_point start, bool fell_back,
                                 report::PushReporter& reporter,
                                 const std::function<void(CopiedTotals&)>& copy) {
    report::HostOutcome outcome;
    outcome.host = host;
    CopiedTotals copied;
    try {
        copy(copied);
        outcome.ok = true;
    } catch (const std::exception& e) {
        const auto lasting = fleet::lasting_failure(e);
        outcome.error = lasting ? fmt::format("{} ({})", e.what(), *lasting) : e.what();
    }
    outcome.fell_back = fell_back;
    outcome.paths = copied.paths;
    outcome.bytes = copied.bytes;
    outcome.seconds = util::seconds_since(start);
    reporter.host_finished(outcome);
    return outcome;
}

void report_diff(report::PushReporter& reporter, const std::string& host,
                 const fleet::ClosureDiff& diff) {
    std::vector<std::string> missing;
    for (const auto& info : diff.missing) {
        missing.push_back(info.path);
    }
    reporter.host_diff(host, missing, diff.missing_bytes);
}

} // namespace

std::unique_ptr<fleet::HostConnections> connect_hosts(const std::vector<inventory::Host>& hosts,
                                                      const fleet::HostClosures& closures,
                                                      const DirectPushOptions& options,
                                                      report::PushReporter& reporter) {
    // Every host's connection stays open for the whole push; beside them, per
    // host worked on at once, a local nix-store's pipes and a fallback's
    // socket, and libtorrent's sockets and files.
    io::reserve_descriptors(
        hosts.size() + 8 * options.jobs + 256,
        fmt::format("a push to {} hosts (one SSH connection each)", hosts.size()));
    const auto report_host = [&](const fleet::HostConnections& connections, std::size_t i) {
        if (!connections.reached(i)) {
            return; // reported with its outcome
        }
        reporter.host_connected(hosts[i].name, connections.destination(i));
        report_diff(reporter, hosts[i].name, connections.diff(i));
    };
    auto connections = std::make_unique<fleet::HostConnections>(
        hosts, closures, options.remote, options.substitute_on_destination, options.jobs,
        fleet::Pin::yes, report_host);
    util::log_timeline(fmt::format("{} hosts connected, pinned and diffed", hosts.size()),
                       connections->started());
    return connections;
}

bool compress_direct_connections(const std::vector<inventory::Host>& hosts, CompressionMode mode) {
    plan::Fleet links;
    for (const auto& host : hosts) {
        add_to_plan(links, host, {});
    }
    links.source_bandwidth_bps = source_bandwidth(links, 0);
    const auto choice = choose_ssh_compression(mode, links);
    spdlog::info("SSH compression: {}{}", choice.why,
                 choice.compress ? "; only where OpenSSH's client connects (--ssh-program, "
                                   "transport: openssh): shoal's own SSH never compresses"
                                 : "");
    return choice.compress;
}

report::HostOutcome unreached_outcome(const fleet::HostConnections& connections, std::size_t host,
                                      report::PushReporter& reporter) {
    report::HostOutcome outcome;
    outcome.host = connections.hosts().at(host).name;
    outcome.error = connections.error(host);
    reporter.host_finished(outcome);
    return outcome;
}

report::HostOutcome push_host_direct(ssh::Connector& connector, const inventory::Host& host,
                                     const std::vector<nix::PathInfo>& closure,
                                     const DirectPushOptions& options,
                                     report::PushReporter& reporter, const Fallback& fallback) {
    return copy_outcome(host.name, fallback.host_start, true, reporter, [&](CopiedTotals& copied) {
        // A fresh connection: the failed agent may have left the push's own one broken.
        DirectCopy target(connector, host, options.remote, reporter);
        const auto diff = target.diff(closure, options.substitute_on_destination);
        report_diff(reporter, host.name, diff);
        target.copy(diff.missing, copied);
        target.remove_agent_staging(fallback.agent_staging);
    });
}

std::vector<report::HostOutcome> push_direct(fleet::HostConnections& connections,
                                             const DirectPushOptions& options,
                                             report::PushReporter& reporter) {
    const auto start = Clock::now();
    const auto& hosts = connections.hosts();
    std::vector<report::HostOutcome> outcomes(hosts.size());
    // On fibers: --jobs copies at once cost a thread per core, not one each. A
    // copy waits on its host's socket and its local nix-store's pipe, both polled.
    io::run_on_fibers(hosts.size(), options.jobs, io::network_fiber_threads(), [&](std::size_t i) {
        if (!connections.reached(i)) {
            outcomes[i] = unreached_outcome(connections, i, reporter);
            return;
        }
        outcomes[i] =
            copy_outcome(hosts[i].name, start, false, reporter, [&](CopiedTotals& copied) {
                DirectCopy(connections.store(i), hosts[i], reporter)
                    .copy(connections.diff(i).missing, copied);
            });
    });
    return outcomes;
}

} // namespace shoal::push
