#include "push/source_probe.hpp"

#include "io/fibers.hpp"
#include "ssh/remote_command.hpp"
#include "util/shell_quote.hpp"

#include <fmt/format.h>
#include <mutex>
#include <spdlog/spdlog.h>

namespace shoal::push {
namespace {

// What a probe says when it cannot run at all: neither yes nor no.
constexpr int cannot_probe = 3;
// timeout(1)'s status when the connection did not complete in time.
constexpr int timed_out = 124;

bool says(const std::string& text, std::string_view what) {
    return text.find(what) != std::string::npos;
}

} // namespace

std::string connect_probe_command(const swarm::Endpoint& endpoint, std::chrono::seconds timeout) {
    const auto connect = fmt::format("exec 3<>/dev/tcp/{}/{}", endpoint.address, endpoint.port);
    return fmt::format("command -v bash >/dev/null && command -v timeout >/dev/null || exit {}; "
                       "exec timeout {} bash -c {}",
                       cannot_probe, timeout.count(), util::shell_quote(connect));
}

ProbeVerdict probe_verdict(int exit_status, const std::string& error_output) {
    if (exit_status == 0 || says(error_output, "Connection refused")) {
        return ProbeVerdict::reachable;
    }
    if (exit_status == timed_out || says(error_output, "Network is unreachable") ||
        says(error_output, "No route to host") || says(error_output, "Connection timed out")) {
        return ProbeVerdict::cut_off;
    }
    return ProbeVerdict::unknown;
}

std::vector<CutOff> probe_fed_hosts(const std::vector<Receiver>& receivers,
                                    const std::vector<std::size_t>& fed,
                                    const std::vector<swarm::Endpoint>& sources, std::size_t jobs,
                                    std::chrono::seconds timeout) {
    std::vector<CutOff> cut_off;
    std::mutex mutex;
    io::run_on_fibers(fed.size(), jobs, io::network_fiber_threads(), [&](std::size_t f) {
        const auto& receiver = receivers.at(fed[f]);
        const auto& source = sources.at(receiver.route.slice.value());
        std::string why;
        try {
            const auto answer =
                ssh::run_remote(receiver.store->session(), connect_probe_command(source, timeout));
            switch (probe_verdict(answer.exit_status, answer.error)) {
            case ProbeVerdict::reachable:
                return;
            case ProbeVerdict::cut_off:
                why = answer.exit_status == timed_out
                          ? fmt::format("no answer from {} within {} s", source.to_string(),
                                        timeout.count())
                          : fmt::format("{}: {}", source.to_string(), answer.reason());
                break;
            case ProbeVerdict::unknown:
                spdlog::debug("{}: cannot tell whether it reaches {}: {}", receiver.host->name,
                              source.to_string(), answer.reason());
                return;
            }
        } catch (const std::exception& e) {
            // Its connection is broken: the agent's start will say so.
            spdlog::debug("{}: probing {}: {}", receiver.host->name, source.to_string(), e.what());
            return;
        }
        const std::lock_guard lock(mutex);
        cut_off.push_back({fed[f], why});
    });
    std::sort(cut_off.begin(), cut_off.end(),
              [](const CutOff& a, const CutOff& b) { return a.receiver < b.receiver; });
    return cut_off;
}

} // namespace shoal::push
