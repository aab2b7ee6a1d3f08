#include "push/agent_connection.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::push {
namespace {

// Events are a few dozen bytes, but for an error's message, which may list
// every path the agent cannot import: 1 MiB holds thousands. A target that
// sends more is broken or hostile, and each host's agent gets this buffer.
constexpr std::size_t max_event_length = std::size_t{1} << 20;

} // namespace

AgentConnection::AgentConnection(ssh::Session& session, const inventory::Host& host,
                                 const fleet::RemoteOptions& options,
                                 const std::string& agent_command)
    : session_(session), channel_(session_, agent_command),
      lines_(channel_.output(), "the agent on " + host.name, max_event_length) {
    channel_.limit_output_silence(options.io_timeout);
}

void AgentConnection::send(const agent::Assignment& assignment) {
    send_line(agent::encode(assignment));
}

void AgentConnection::send(const agent::Command& command) {
    send_line(agent::encode(command));
}

void AgentConnection::send_line(const std::string& line) {
    const std::string terminated = line + "\n";
    channel_.input().write(std::string_view(terminated));
    channel_.input().flush();
}

std::optional<agent::Event> AgentConnection::receive() {
    std::optional<std::string> line;
    try {
        line = lines_.next();
    } catch (const util::Error& e) {
        fail(e.what());
    }
    if (!line) {
        return std::nullopt;
    }
    try {
        return agent::parse_event(*line);
    } catch (const agent::ProtocolError& e) {
        fail(e.what());
    }
}

int AgentConnection::wait() {
    return channel_.exit_status();
}

void AgentConnection::fail(const std::string& problem) {
    std::string stderr_text = channel_.error_output();
    if (stderr_text.size() > 2000) {
        stderr_text = "..." + stderr_text.substr(stderr_text.size() - 2000);
    }
    throw util::Error(stderr_text.empty()
                          ? fmt::format("'{}': {}", channel_.command(), problem)
                          : fmt::format("'{}': {}: {}", channel_.command(), problem, stderr_text));
}

} // namespace shoal::push
