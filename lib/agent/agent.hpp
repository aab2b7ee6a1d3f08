#pragma once

#include "agent/event_writer.hpp"
#include "agent/import_schedule.hpp"
#include "agent/line_reader.hpp"
#include "agent/messages.hpp"
#include "io/termination_signals.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace shoal::swarm {
class SwarmSession;
struct SwarmStatus;
} // namespace shoal::swarm

namespace shoal::agent {

class Importer;

struct AgentOptions {
    // Extra arguments for the local `nix-store --serve --write`, such as
    // {"--store", DIR} for a chroot store.
    std::vector<std::string> store_arguments;
};

// One host's side of a swarm push (docs/agent-protocol.md): joins the swarm
// with the assignment's certificate, downloads the NARs this host lacks,
// imports each path into the local store as soon as it and its references
// are there, re-seeds to other hosts, and reports on `events`.
class Agent {
public:
    Agent(Assignment assignment, AgentOptions options, LineReader& input, EventWriter& events,
          io::TerminationSignals& signals);

    // Returns the exit code: 0 after `finish` or the linger time (staging
    // removed unless keep_cache), 1 when the controller went away or a
    // signal came (staging and resume data kept for a rerun). Throws
    // util::Error when the push cannot go on.
    int run();

private:
    enum class Outcome { finished, interrupted };

    Outcome serve(swarm::SwarmSession& session, Importer& importer, ImportSchedule& schedule);
    // Applies the controller's commands; true once it said finish.
    bool handle_commands(swarm::SwarmSession& session);
    void connect_peers(swarm::SwarmSession& session, const Connect& order);
    // Lifts the hold on other peers once the deployer has nothing more for us.
    void release_peers_when_fed(swarm::SwarmSession& session, const swarm::SwarmStatus& status);
    void advance_imports(const swarm::SwarmStatus& status, Importer& importer,
                         ImportSchedule& schedule);

    Assignment assignment_;
    AgentOptions options_;
    LineReader& input_;
    EventWriter& events_;
    io::TerminationSignals& signals_;
    bool ready_ = false;
    std::vector<bool> complete_seen_; // by index in SwarmStatus::files: given to the schedule
    std::vector<swarm::Endpoint> peers_before_ready_;
    bool holding_peers_ = false; // other peers held to peer_limit_while_fed
};

// The whole `shoal agent`: reads the assignment from stdin, runs the agent,
// and turns any failure into an `error` event. Returns the exit code.
int run_agent(const AgentOptions& options);

} // namespace shoal::agent
