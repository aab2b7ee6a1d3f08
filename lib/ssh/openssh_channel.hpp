#pragma once

#include "io/child_process.hpp"
#include "ssh/channel.hpp"

#include <optional>
#include <string>

namespace shoal::ssh {

class OpenSshSession;

// A Channel of an OpenSshSession: `ssh -S CONTROL HOST COMMAND`, its pipes
// the command's stdin and stdout. Use either the streams (output(), input())
// or the event loop's calls (read_available, queue_input), not both.
class OpenSshChannel final : public Channel {
public:
    OpenSshChannel(const OpenSshSession& session, std::string command);

    io::Source& output() override { return client_.output(); }
    io::Sink& input() override { return client_.input(); }
    void send_eof() override;
    int exit_status() override;
    std::string error_output() const override { return client_.error_output(); }
    const std::string& command() const override { return command_; }
    std::optional<std::size_t> read_available(std::span<char> buffer) override;
    void queue_input(std::string_view data) override;
    bool send_available() override;
    pollfd poll_target() const override;
    std::size_t unacknowledged_bytes() const override;

private:
    const OpenSshSession& session_;
    std::string command_;
    io::ChildProcess client_;
    std::string queued_input_;
    bool eof_sent_ = false;
    std::optional<int> exit_status_;
};

} // namespace shoal::ssh
