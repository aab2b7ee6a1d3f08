#include "agent/agent.hpp"

#include "agent/importer.hpp"
#include "agent/staging_directory.hpp"
#include "agent/staging_room.hpp"
#include "agent/torrent_name.hpp"
#include "nix/local_store.hpp"
#include "swarm/swarm_session.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <new>
#include <optional>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace shoal::agent {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto poll_interval = std::chrono::milliseconds(200);
// Progress goes out when what we downloaded changed, at most this often: one
// loop reads every host's events, and each line costs the deployer's uplink a
// TCP acknowledgement (at 100 hosts on 2 Mbit/s, twice a second was ~4 % of
// that uplink; docs/scaling.md).
constexpr auto progress_interval = std::chrono::seconds(1);
// Without news, progress goes out this often anyway: the controller takes
// silence past its IO timeout (5 s at the least) for a hung agent.
constexpr auto heartbeat_interval = std::chrono::seconds(2);
// What is left of the ~2 s a stopping agent has once it saved resume data.
constexpr auto resume_save_budget = std::chrono::milliseconds(1500);

Progress progress_of(const swarm::SwarmStatus& status) {
    Progress progress;
    for (const swarm::FileProgress& file : status.files) {
        if (file.wanted) {
            progress.downloaded += file.verified_bytes;
            progress.wanted += file.size;
        }
    }
    progress.received = status.payload_downloaded;
    progress.uploaded = status.payload_uploaded;
    progress.peers = static_cast<std::uint64_t>(std::max(status.peers, 0));
    return progress;
}

std::set<std::string> paths_to_query(const Assignment& assignment) {
    std::set<std::string> paths;
    for (const AssignedPath& assigned : assignment.paths) {
        paths.insert(assigned.info.path);
        paths.insert(assigned.info.references.begin(), assigned.info.references.end());
    }
    return paths;
}

swarm::SwarmOptions swarm_options(const Assignment& assignment, const StagingDirectory& staging,
                                  std::set<std::string> wanted) {
    swarm::SwarmOptions options;
    options.listen = assignment.listen;
    options.torrent = assignment.torrent;
    options.save_path = staging.pinned_path();
    options.certificate = assignment.certificate;
    options.wanted_files = std::move(wanted);
    if (options.wanted_files.empty()) {
        // The store has every assigned path already, but an empty set means
        // "every file" to the swarm: fetch the assigned ones, which the plan
        // may expect this host to pass on.
        for (const AssignedPath& assigned : assignment.paths) {
            options.wanted_files.insert(assigned.file);
        }
    }
    options.upload_rate_limit = assignment.upload_limit;
    options.download_rate_limit = assignment.download_limit;
    options.low_priority = assignment.low_priority;
    return options;
}

// The last resort for the exception being handled: whatever went wrong (a
// full disk, a failed allocation, a bug) reaches the controller as an error
// event and ends the agent with exit code 1, never in std::terminate.
int report_failure(EventWriter& events) {
    std::string message;
    try {
        throw;
    } catch (const std::bad_alloc&) {
        message = "out of memory";
    } catch (const std::exception& error) {
        message = error.what();
    } catch (...) {
        message = "an error of unknown type";
    }
    spdlog::error("{}", message);
    try {
        events.write(Failure{message});
    } catch (const std::exception& write_error) {
        spdlog::debug("the error event was not delivered: {}", write_error.what());
    }
    return 1;
}

} // namespace

Agent::Agent(Assignment assignment, AgentOptions options, LineReader& input, EventWriter& events,
             io::TerminationSignals& signals)
    : assignment_(std::move(assignment)), options_(std::move(options)), input_(input),
      events_(events), signals_(signals) {}

int Agent::run() {
    StagingDirectory staging(assignment_.staging);
    auto store = std::make_unique<nix::LocalStore>(options_.store_arguments);
    const std::set<std::string> valid =
        store->connection().query_valid_paths(paths_to_query(assignment_), false, false);
    ImportSchedule schedule(assignment_.paths, valid);
    spdlog::info("{}: {} paths assigned, {} to download", assignment_.host,
                 assignment_.paths.size(), schedule.files_to_download().size());

    Outcome outcome = Outcome::interrupted;
    {
        auto wanted = schedule.files_to_download();
        wanted.insert(assignment_.relay_files.begin(), assignment_.relay_files.end());
        swarm::SwarmSession session(swarm_options(assignment_, staging, std::move(wanted)));
        // Before any peer is given: libtorrent downloads nothing yet.
        check_staging_room(staging.pinned_path(), staging.path(),
                           download_of(session.status().files));
        Importer importer(std::move(store),
                          staging.pinned_path() / torrent_name(assignment_.torrent));
        outcome = serve(session, importer, schedule);
        if (outcome == Outcome::interrupted) {
            session.save_resume_data(resume_save_budget);
        }
    }
    if (outcome == Outcome::interrupted) {
        spdlog::info("keeping {} for a rerun", staging.path().string());
        return 1;
    }
    if (!assignment_.keep_cache) {
        staging.remove();
    }
    return 0;
}

Agent::Outcome Agent::serve(swarm::SwarmSession& session, Importer& importer,
                            ImportSchedule& schedule) {
    bool complete = false;
    Clock::time_point linger_end;
    Clock::time_point last_progress_at;
    std::optional<Progress> last_progress;
    for (;;) {
        // Woken by the controller's commands, libtorrent and the importer: a
        // connect order goes out at once, not after the rest of a wait for
        // alerts, and a host's last import is reported when it is done.
        input_.wait(poll_interval, {session.alerts_fd(), importer.report_fd()});
        session.poll(std::chrono::milliseconds(0));
        for (const swarm::Endpoint& liar : session.take_banned_peers()) {
            events_.write(PeerBanned{liar});
        }
        if (!ready_ && session.ready()) {
            ready_ = true;
            events_.write(Ready{session.listen_port()});
            session.connect(std::exchange(peers_before_ready_, {}));
        }
        if (handle_commands(session)) {
            return Outcome::finished;
        }
        if (input_.at_end()) {
            spdlog::warn("the controller closed the connection: stopping");
            return Outcome::interrupted;
        }
        if (const char* signal = signals_.received()) {
            spdlog::warn("received SIG{}: stopping", signal);
            return Outcome::interrupted;
        }
        const swarm::SwarmStatus status = session.status();
        if (ready_) {
            advance_imports(status, importer, schedule);
        }
        release_peers_when_fed(session, status);
        const Clock::time_point now = Clock::now();
        if (ready_ && !complete && schedule.all_valid()) {
            complete = true;
            linger_end = now + assignment_.linger;
            events_.write(Complete{});
            spdlog::info("{}: every assigned path is in the store", assignment_.host);
        }
        const Progress progress = progress_of(status);
        const bool news = !last_progress || progress.downloaded != last_progress->downloaded ||
                          progress.wanted != last_progress->wanted;
        if (now - last_progress_at >= (news ? progress_interval : heartbeat_interval)) {
            events_.write(progress);
            last_progress = progress;
            last_progress_at = now;
        }
        if (complete && now >= linger_end) {
            return Outcome::finished;
        }
    }
}

bool Agent::handle_commands(swarm::SwarmSession& session) {
    while (const std::optional<std::string> line = input_.next_line()) {
        if (line->empty()) {
            continue;
        }
        const Command command = parse_command(*line);
        if (std::holds_alternative<Finish>(command)) {
            return true;
        }
        if (const auto* ban = std::get_if<Ban>(&command)) {
            session.block(ban->address);
            continue;
        }
        connect_peers(session, std::get<Connect>(command));
    }
    return false;
}

void Agent::connect_peers(swarm::SwarmSession& session, const Connect& order) {
    const bool hold = order.deployer && assignment_.peer_limit_while_fed != 0 &&
                      !session.status().wanted_files_complete();
    for (const swarm::Endpoint& peer : order.peers) {
        spdlog::info("connecting to {}{}", peer.to_string(),
                     order.deployer ? " (the deployer)" : "");
        if (hold) {
            session.prefer(peer.address);
        }
    }
    if (ready_) {
        session.connect(order.peers);
    } else {
        // Connecting while the torrent is still being checked may be lost.
        peers_before_ready_.insert(peers_before_ready_.end(), order.peers.begin(),
                                   order.peers.end());
    }
    if (hold && !holding_peers_) {
        session.limit_other_downloads(assignment_.peer_limit_while_fed);
        holding_peers_ = true;
        spdlog::info("other peers may send at most {} bytes/s until the deployer's slice is in",
                     assignment_.peer_limit_while_fed);
    }
}

void Agent::release_peers_when_fed(swarm::SwarmSession& session, const swarm::SwarmStatus& status) {
    if (holding_peers_ &&
        (status.wanted_files_complete() || !session.preferred_peers_have_more())) {
        session.limit_other_downloads(0);
        holding_peers_ = false;
        spdlog::info("the deployer has nothing more for this host: other peers are no longer held");
    }
}

void Agent::advance_imports(const swarm::SwarmStatus& status, Importer& importer,
                            ImportSchedule& schedule) {
    const Importer::Report report = importer.take_report();
    for (const std::string& path : report.imported) {
        schedule.mark_imported(path);
        events_.write(PathImported{path});
    }
    // Only the files complete since the last look go to the schedule, which
    // remembers the rest: handing it every complete file's name each time
    // one completed cost time quadratic in the paths.
    complete_seen_.resize(status.files.size());
    std::set<std::string> newly_complete;
    for (std::size_t i = 0; i < status.files.size(); ++i) {
        if (!complete_seen_[i] && status.files[i].complete()) {
            complete_seen_[i] = true;
            newly_complete.emplace(status.files[i].name);
        }
    }
    const std::vector<AssignedPath> batch = schedule.take_importable(newly_complete);
    for (const AssignedPath& path : batch) {
        importer.add(path);
    }
    if (report.idle && batch.empty() && !schedule.all_valid() && status.wanted_files_complete()) {
        throw util::Error(
            fmt::format("every file is downloaded, but some paths can never be imported: {}",
                        fmt::join(schedule.unimportable(), "; ")));
    }
}

int run_agent(const AgentOptions& options) {
    // Before any thread starts: they all inherit the blocked signals.
    io::TerminationSignals signals;
    EventWriter events = EventWriter::take_stdout();
    LineReader input(STDIN_FILENO, max_controller_line);
    try {
        std::optional<std::string> line;
        while (!(line = input.next_line()) || line->empty()) {
            if (input.at_end()) {
                throw util::Error("the controller sent no assignment");
            }
            if (const char* signal = signals.received()) {
                throw util::Error(
                    fmt::format("received SIG{} while waiting for the assignment", signal));
            }
            input.wait(poll_interval);
        }
        return Agent(parse_assignment(*line), options, input, events, signals).run();
    } catch (...) {
        return report_failure(events);
    }
}

} // namespace shoal::agent
