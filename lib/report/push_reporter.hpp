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

// Where a push left a host's profile and activation (--profile, --activate).
enum class Deploy {
    none,          // no profile asked for
    profile_set,   // the profile points at the closure
    activated,     // ... and the closure was activated (and confirmed)
    rolled_back,   // activation or health check failed: back where it was
    not_activated, // has the closure, but the rollout stopped before it
    failed,        // neither forward nor back: see the error
};

// How one host's push ended.
struct HostOutcome {
    std::string host;
    bool ok = false;
    std::size_t paths = 0;   // paths imported by this push
    std::uint64_t bytes = 0; // NAR bytes imported by this push
    double seconds = 0;
    std::string error;      // why it failed; empty when ok
    bool fell_back = false; // the swarm failed this host; a direct copy took over
    Deploy deploy = Deploy::none;
    std::optional<unsigned> generation; // the profile's generation now current
};

// One change to a host's profile.
struct ProfileSet {
    std::string host;
    std::string profile;
    std::string path;
    unsigned generation = 0;
    std::optional<unsigned> previous_generation;
    bool created = false; // a new generation (else it pointed there already)
};

// One receiver's swarm download so far.
struct HostProgress {
    std::string host;
    std::uint64_t downloaded = 0; // verified bytes of what it needs
    std::uint64_t wanted = 0;
    std::size_t imported = 0; // paths it imported so far
    std::size_t paths = 0;    // paths it needs
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
    // The host gained nothing from its peers for a while: it gets every slice of the deployer.
    void host_stuck(std::string_view host);
    // swarm: how the deployer's slices reach the hosts ("direct": they
    // connect to it; "tunnelled": through SSH), said once, and again in the summary.
    void swarm_mode(std::string_view mode, std::string_view how);
    // swarm: the deployer staged `paths` NARs of `nar_bytes` as `staged_bytes`
    // of files, compressed as `compression` says (`why`: how it was chosen),
    // `reused` of them from an earlier run or the NAR cache; said once, and
    // again in the summary.
    void staged(std::size_t paths, std::size_t reused, std::uint64_t nar_bytes,
                std::uint64_t staged_bytes, std::string_view compression, std::string_view why);
    // `host`'s swarm refuses `peer` (an inventory host's name, or empty for
    // an address outside the inventory) from now on: its data failed a hash check.
    void peer_banned(std::string_view host, std::string_view peer, std::string_view endpoint);
    void swarm_progress(const std::vector<HostProgress>& hosts, double seconds);

    // Profiles, activation and the staged rollout.
    void profile_set(const ProfileSet& change);
    void rollout_stage(std::size_t number, std::string_view kind,
                       const std::vector<std::string>& hosts);
    void activated(std::string_view host, unsigned generation);
    void activation_failed(std::string_view host, std::string_view error, std::string_view output);
    void health_failed(std::string_view host, std::string_view error, std::string_view output);
    void confirmed(std::string_view host);
    void rolled_back(std::string_view host, std::optional<unsigned> generation,
                     std::string_view reason);
    void not_activated(std::string_view host, std::string_view reason);
    void rollout_stopped(std::string_view reason, std::size_t failures);

    // `unrooted`: no profile roots the closure on the hosts, so say so.
    void summary(const std::vector<HostOutcome>& outcomes, double seconds, bool unrooted);

private:
    void say(const std::string& line);

    std::optional<EventWriter> events_;
    std::ostream& human_;
    std::mutex human_mutex_;
    std::string swarm_mode_;            // for the summary; empty: no swarm ran
    std::string staging_;               // likewise
    std::uint64_t last_downloaded_ = 0; // for the rate between progress reports
    double last_progress_seconds_ = 0;
};

} // namespace shoal::report
