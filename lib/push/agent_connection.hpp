#pragma once

#include "agent/messages.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "io/line_reader.hpp"
#include "ssh/channel.hpp"
#include "ssh/session.hpp"

#include <optional>
#include <string>

namespace shoal::push {

// `shoal agent` running on one target, on a channel of the push's SSH
// session to it; we exchange JSON lines with it (docs/agent-protocol.md).
class AgentConnection {
public:
    AgentConnection(ssh::Session& session, const inventory::Host& host,
                    const fleet::RemoteOptions& options, const std::string& agent_command);

    void send(const agent::Assignment& assignment);
    void send(const agent::Command& command);

    // The agent's next event, or nothing once it has closed its output (it
    // exits). Throws util::Error when it stays silent past the IO timeout (it
    // sends progress five times a second: silence means it hangs) or breaks
    // the protocol; the error quotes the agent's stderr.
    std::optional<agent::Event> receive();

    // Waits for the agent to exit after `finish`; returns its exit status.
    int wait();

    // The agent's SSH session, for short commands beside it.
    ssh::Session& session() { return session_; }

    // Throws util::Error with `problem` and the agent's stderr.
    [[noreturn]] void fail(const std::string& problem);

private:
    void send_line(const std::string& line);

    ssh::Session& session_;
    ssh::Channel channel_;
    io::LineReader lines_;
};

} // namespace shoal::push
