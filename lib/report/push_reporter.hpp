#pragma once

#include "report/event_writer.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::report {

// How one host's push ended.
struct HostOutcome {
    std::string host;
    bool ok = false;
    std::size_t paths = 0;   // paths imported by this push
    std::uint64_t bytes = 0; // NAR bytes imported by this push
    double seconds = 0;
    std::string error;      // why it failed; empty when ok
    bool fell_back = false; // the swarm failed this host; a direct copy took over
};

// One receiver's swarm download so far.
struct HostProgress {
    std::string host;
    std::uint64_t downloaded = 0; // verified bytes of what it needs
    std::uint64_t wanted = 0;
    bool complete = false;
};

// Tells people and CI how a push goes: progress lines and a summary table
// for people, and with JSON events one object per line (see docs/events.md).
// With events on, the human text goes to the other stream so that stdout
// stays machine-readable. Safe to call from parallel host workers.
class PushReporter {
public:
    // `events`: where JSON lines go, or nullptr for none.
    PushReporter(std::ostream* events, std::ostream& human);

    void host_connected(std::string_view host, std::string_view destination);
    void host_diff(std::string_view host, const std::vector<std::string>& missing_paths,
                   std::uint64_t missing_bytes);
    void path_copied(std::string_view host, std::string_view path, std::uint64_t bytes,
                     double seconds);
    void host_finished(const HostOutcome& outcome);

    // Swarm pushes.
    void agent_ready(std::string_view host);
    void path_imported(std::string_view host, std::string_view path);
    void host_fallback(std::string_view host, std::string_view reason);
    void swarm_progress(const std::vector<HostProgress>& hosts, double seconds);
    void summary(const std::vector<HostOutcome>& outcomes, double seconds);

private:
    void say(const std::string& line);

    std::optional<EventWriter> events_;
    std::ostream& human_;
    std::mutex human_mutex_;
    std::uint64_t last_downloaded_ = 0; // for the rate between progress reports
    double last_progress_seconds_ = 0;
};

} // namespace shoal::report
