#pragma once

#include "io/stream.hpp"

#include <cstddef>
#include <optional>
#include <poll.h>
#include <span>
#include <string>
#include <string_view>

namespace shoal::ssh {

// One remote command on a Session. Its stdout is a Source and its stdin a
// Sink, binary-safe; its stderr is never merged in but collected apart (the
// last 64 KiB), drained whenever we wait so that a chatty command cannot
// stall its stdout. The session must outlive the channel.
class Channel {
public:
    virtual ~Channel() = default;

    virtual io::Source& output() = 0;
    // Buffered: flush() or send_eof() pushes it out.
    virtual io::Sink& input() = 0;

    // Flushes the input and tells the command that no more comes.
    virtual void send_eof() = 0;

    // Sends EOF, discards any unread output and waits for the command to end.
    // Returns its exit code, or 128 + the signal number that killed it.
    virtual int exit_status() = 0;

    // What the command wrote to stderr so far, trimmed.
    virtual std::string error_output() const = 0;

    virtual const std::string& command() const = 0;

    // For an event loop, which polls poll_target() and never waits here:
    // What has arrived of the output, into `buffer`: nothing if nothing has,
    // 0 at the end of the output.
    virtual std::optional<std::size_t> read_available(std::span<char> buffer) = 0;
    // Keeps `data` to send with send_available().
    virtual void queue_input(std::string_view data) = 0;
    // Sends what the channel takes now of the queued input; true once all of
    // it is out. Throws util::Error when the command ended without reading it.
    virtual bool send_available() = 0;
    // The descriptor, and the events, to poll for so that the channel can go
    // on: output to read (and for libssh2, a half-sent packet to finish).
    virtual pollfd poll_target() const = 0;
    // Input handed to the transport that has not left this machine yet.
    virtual std::size_t unacknowledged_bytes() const = 0;
};

} // namespace shoal::ssh
