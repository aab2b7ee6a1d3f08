#pragma once

#include "io/termination_signals.hpp"
#include "io/wakeup.hpp"
#include "push/agent_connection.hpp"
#include "push/slice_seeder.hpp"
#include "push/swarm_context.hpp"
#include "push/swarm_coordinator.hpp"
#include "util/task_pool.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shoal::push {

// Drives every receiver's agent from one thread, as ninja drives its
// subprocesses: one poll() over the SSH sessions' sockets and a wakeup
// descriptor, the agents' reports fed to the SwarmCoordinator, its orders
// sent at once. What blocks on a host (starting an agent, waiting for one to
// exit, a fallback's direct copy) runs on a small fixed pool, so the
// controller's threads do not grow with the fleet. A session belongs to one
// thread at a time: the pool's until the agent runs, then the loop's, then
// the pool's again to end it.
class SwarmDriver {
public:
    // `outcomes[i]` is receiver i's, set by the time the driver is destroyed.
    SwarmDriver(SwarmContext& context, const std::vector<Receiver>& receivers,
                std::vector<report::HostOutcome>& outcomes, std::size_t threads);
    // Stops whatever still runs (an exception left run(), or it never ran),
    // then waits for the pool: fallbacks finish, agents are closed.
    ~SwarmDriver();
    SwarmDriver(const SwarmDriver&) = delete;
    SwarmDriver& operator=(const SwarmDriver&) = delete;

    // Starts every receiver's agent on the pool; they wait for run() to get
    // their assignments, so the deployer stages meanwhile.
    void start_agents();

    // Once the torrent is built: assigns, coordinates and serves until every
    // receiver is complete or failed (or a termination signal arrives).
    void run(SliceSeeder& sources, io::TerminationSignals& signals);

private:
    using Clock = std::chrono::steady_clock;

    enum class State {
        starting, // the pool starts its agent
        running,  // the loop talks to its agent
        ended,    // handed to the pool: done, or failed and recovering
    };

    struct Slot {
        State state = State::starting;
        std::unique_ptr<AgentConnection> agent;
        Clock::time_point last_heard;
        Clock::time_point next_keepalive;
        Clock::time_point next_read; // reads at least this often, whatever poll says
        bool output_pending = false; // queued commands the channel did not take yet
        bool assigned = false;       // its assignment is queued (see assign_next)
    };

    // A started agent, or why it did not start, from the pool to the loop.
    struct Started {
        std::size_t receiver = 0;
        std::unique_ptr<AgentConnection> agent;
        std::string error;
        std::optional<std::string> lasting; // see fleet::lasting_failure
    };

    void adopt_started(Clock::time_point now);
    void assign_next(Clock::time_point now);
    void serve(std::size_t receiver, Clock::time_point now);
    void handle(std::size_t receiver, const agent::Event& event, Clock::time_point now);
    void apply(const Decisions& decisions);
    void check_silence_and_keepalive(std::size_t receiver, Clock::time_point now);
    void report_progress(Clock::time_point now, bool final);

    // The agent exited after its host completed: collect its status on the pool.
    void end_complete(std::size_t receiver);
    // Receiver i's agent failed (`exited`: it closed its output before its
    // host was complete): on the pool, close it and fall back (or report).
    void fail(std::size_t receiver, const std::string& error,
              std::optional<std::string> lasting = {}, bool exited = false);
    void fail(std::size_t receiver, const std::exception& error);
    report::HostOutcome recover(std::size_t receiver, std::string error,
                                const std::optional<std::string>& lasting, bool stopping);
    void ban_liar(std::size_t receiver, const swarm::Endpoint& liar, Clock::time_point now);
    void stop_all(const std::string& reason);
    bool all_ended() const;

    SwarmContext& context_;
    const std::vector<Receiver>& receivers_;
    // A receiver's outcome is the pool's once its slot has ended (it falls
    // back or collects the agent's status there): what the progress line
    // shows is counted here too, on this thread alone.
    std::vector<report::HostOutcome>& outcomes_;
    std::vector<std::size_t> imported_paths_;
    SwarmCoordinator coordinator_;
    std::vector<Slot> slots_;
    bool stopping_ = false;
    std::atomic<bool> cancel_starts_{false}; // read by the pool: agents not started yet stay so
    bool finished_ = false;
    // Started agents waiting for their assignment, hosts the deployer feeds
    // first, and those whose assignment is still on its way (see assign_next).
    std::deque<std::size_t> unassigned_;
    std::vector<std::pair<std::size_t, Clock::time_point>> assigning_; // and when queued

    io::Wakeup wakeup_;
    std::mutex started_mutex_;
    std::vector<Started> started_; // guarded by started_mutex_

    Clock::time_point last_report_;
    bool first_byte_ = false;  // some host received payload, verified or not
    bool first_piece_ = false; // some host verified a piece
    util::TaskPool pool_;      // last: joined first, while the rest still exists
};

} // namespace shoal::push
