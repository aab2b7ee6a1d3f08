#pragma once

#include "agent/messages.hpp"
#include "fleet/remote_store.hpp"
#include "inventory/host.hpp"
#include "io/line_reader.hpp"
#include "ssh/channel.hpp"
#include "ssh/library.hpp"
#include "ssh/session.hpp"

#include <string>

namespace shoal::push {

// `shoal agent` running on one target, reached over its own SSH session; we
// exchange JSON lines with it (docs/agent-protocol.md).
class AgentConnection {
public:
    AgentConnection(const ssh::Library& library, const inventory::Host& host,
                    const fleet::RemoteOptions& options, const std::string& agent_command);

    void send(const agent::Assignment& assignment);
    void send(const agent::Command& command);

    // The agent's next event. Throws util::Error when the agent exits, stays
    // silent past the IO timeout (it sends progress five times a second), or breaks
    // the protocol; the error quotes the agent's stderr.
    agent::Event receive();

    // Waits for the agent to exit after `finish`; returns its exit status.
    int wait();

private:
    void send_line(const std::string& line);
    [[noreturn]] void fail(const std::string& problem);

    ssh::Session session_;
    ssh::Channel channel_;
    io::LineReader lines_;
};

} // namespace shoal::push
