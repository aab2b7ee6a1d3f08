#pragma once

#include "agent/messages.hpp"
#include "inventory/host.hpp"
#include "io/line_splitter.hpp"
#include "ssh/channel.hpp"
#include "ssh/session.hpp"

#include <memory>
#include <string>
#include <vector>

namespace shoal::push {

// `shoal agent` running on one target, on a channel of the push's SSH
// session to it; we exchange JSON lines with it (docs/agent-protocol.md).
// Starting it waits for the host; after that nothing does: one event loop
// polls the session's socket and drives every host's agent.
class AgentConnection {
public:
    AgentConnection(ssh::Session& session, const inventory::Host& host,
                    const std::string& agent_command);

    // Kept to go out with send_queued().
    void queue(const agent::Assignment& assignment);
    void queue(const agent::Command& command);
    // Sends what the connection takes now of what was queued; true once all
    // of it is out. Throws util::Error when the agent ended without reading it.
    bool send_queued();

    // Appends the events that have arrived, without waiting. False once the
    // agent has closed its output (it exits). Throws util::Error, quoting the
    // agent's stderr, when it breaks the protocol.
    bool receive_available(std::vector<agent::Event>& events);

    // Waits for the agent to exit (after `finish`, or after it closed its
    // output); returns its exit status.
    int wait();

    // The agent's SSH session, for short commands beside it and its keepalives.
    ssh::Session& session() { return session_; }
    // What the loop polls for the agent's output.
    pollfd poll_target() const { return channel_->poll_target(); }
    // Commands queued to the transport that have not left this machine yet.
    std::size_t unacknowledged_bytes() const { return channel_->unacknowledged_bytes(); }

    // Throws util::Error with `problem` and the agent's stderr.
    [[noreturn]] void fail(const std::string& problem);

private:
    ssh::Session& session_;
    std::unique_ptr<ssh::Channel> channel_;
    io::LineSplitter lines_;
};

} // namespace shoal::push
