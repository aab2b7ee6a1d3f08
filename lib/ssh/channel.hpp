#pragma once

#include "io/stream.hpp"

#include <libssh2.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::ssh {

class Session;

// One remote command on a session. Its stdout is a Source and its stdin a
// Sink, binary-safe; its stderr is never merged in but collected apart (the
// last 64 KiB), drained whenever we wait so that a chatty command cannot stall
// its stdout. The session must outlive the channel.
class Channel : private io::Source, private io::Sink {
public:
    Channel(Session& session, std::string command);
    ~Channel() override;
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    io::Source& output() { return *this; }
    // Buffered: flush() or send_eof() pushes it out.
    io::Sink& input() { return *this; }

    // Flushes the input and tells the command that no more comes.
    void send_eof();

    // Sends EOF, discards any unread output and waits for the command to end.
    // Returns its exit code, or 128 + the signal number that killed it.
    int exit_status();

    // What the command wrote to stderr so far, trimmed.
    std::string error_output() const;

    const std::string& command() const { return command_; }

    // For an event loop, which polls the session's socket (Session::poll_events)
    // and never waits here:
    // What has arrived of the output, into `buffer`: nothing if nothing has,
    // 0 at the end of the output.
    std::optional<std::size_t> read_available(std::span<char> buffer);
    // Keeps `data` to send with send_available().
    void queue_input(std::string_view data);
    // Sends what the channel takes now of the queued input; true once all of
    // it is out. Throws util::Error when the command ended without reading it.
    bool send_available();

private:
    std::size_t read_some(std::span<char> buffer) override;
    using io::Sink::write;
    void write(std::span<const char> data) override;
    void flush() override;

    void drain_stderr();
    [[noreturn]] void fail(std::string_view doing) const;

    Session& session_;
    std::string command_;
    LIBSSH2_CHANNEL* channel_ = nullptr;
    std::vector<char> pending_input_;
    std::string queued_input_; // by queue_input(), while pending_input_ may be half sent
    std::string stderr_text_;
    bool eof_sent_ = false;
    std::optional<int> exit_status_;
};

} // namespace shoal::ssh
