#pragma once

#include "io/stream.hpp"
#include "ssh/channel.hpp"

#include <libssh2.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::ssh {

class Libssh2Session;

// A Channel of a Libssh2Session.
class Libssh2Channel final : public Channel, private io::Source, private io::Sink {
public:
    Libssh2Channel(Libssh2Session& session, std::string command);
    ~Libssh2Channel() override;
    Libssh2Channel(const Libssh2Channel&) = delete;
    Libssh2Channel& operator=(const Libssh2Channel&) = delete;

    io::Source& output() override { return *this; }
    io::Sink& input() override { return *this; }
    void send_eof() override;
    int exit_status() override;
    std::string error_output() const override;
    const std::string& command() const override { return command_; }
    std::optional<std::size_t> read_available(std::span<char> buffer) override;
    void queue_input(std::string_view data) override;
    bool send_available() override;
    // The session's socket: its channels share it.
    pollfd poll_target() const override;
    std::size_t unacknowledged_bytes() const override;

private:
    std::size_t read_some(std::span<char> buffer) override;
    using io::Sink::write;
    void write(std::span<const char> data) override;
    void flush() override;

    void drain_stderr();
    [[noreturn]] void fail(std::string_view doing) const;

    Libssh2Session& session_;
    std::string command_;
    LIBSSH2_CHANNEL* channel_ = nullptr;
    std::vector<char> pending_input_;
    std::string queued_input_; // by queue_input(), while pending_input_ may be half sent
    std::string stderr_text_;
    bool eof_sent_ = false;
    std::optional<int> exit_status_;
};

} // namespace shoal::ssh
