#include "push/agent_connection.hpp"

#include "util/error.hpp"

#include <array>
#include <fmt/format.h>

namespace shoal::push {
namespace {

// Events are a few dozen bytes, but for an error's message, which may list
// every path the agent cannot import: 1 MiB holds thousands. A target that
// sends more is broken or hostile, and each host's agent gets this buffer.
constexpr std::size_t max_event_length = std::size_t{1} << 20;
// Read per call at the most, so that one chatty host cannot hold up the loop
// that serves every other.
constexpr std::size_t max_reads_per_call = 64;

} // namespace

AgentConnection::AgentConnection(ssh::Session& session, const inventory::Host& host,
                                 const std::string& agent_command)
    : session_(session), channel_(session_.start(agent_command)),
      lines_("the agent on " + host.name, max_event_length) {}

void AgentConnection::queue(const agent::Assignment& assignment) {
    channel_->queue_input(agent::encode(assignment) + "\n");
}

void AgentConnection::queue(const agent::Command& command) {
    channel_->queue_input(agent::encode(command) + "\n");
}

bool AgentConnection::send_queued() {
    return channel_->send_available();
}

bool AgentConnection::receive_available(std::vector<agent::Event>& events) {
    std::array<char, 16 * 1024> chunk{};
    try {
        for (std::size_t reads = 0;; ++reads) {
            while (auto line = lines_.next()) {
                events.push_back(agent::parse_event(*line));
            }
            if (reads == max_reads_per_call) {
                return true;
            }
            const auto n = channel_->read_available(chunk);
            if (!n) {
                return true;
            }
            if (*n == 0) {
                if (!lines_.rest().empty()) {
                    fail(fmt::format("its output ended in the middle of a line: '{:.80}'",
                                     lines_.rest()));
                }
                return false;
            }
            lines_.append(std::span<const char>(chunk.data(), *n));
        }
    } catch (const agent::ProtocolError& e) {
        fail(e.what());
    } catch (const io::LineTooLong& e) {
        fail(e.what());
    }
}

int AgentConnection::wait() {
    return channel_->exit_status();
}

void AgentConnection::fail(const std::string& problem) {
    std::string stderr_text = channel_->error_output();
    if (stderr_text.size() > 2000) {
        stderr_text = "..." + stderr_text.substr(stderr_text.size() - 2000);
    }
    throw util::Error(stderr_text.empty()
                          ? fmt::format("'{}': {}", channel_->command(), problem)
                          : fmt::format("'{}': {}: {}", channel_->command(), problem, stderr_text));
}

} // namespace shoal::push
