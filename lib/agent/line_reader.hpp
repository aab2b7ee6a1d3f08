#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace shoal::agent {

// Splits what arrives on a descriptor (the agent's stdin) into lines without
// ever blocking, so one loop can also drive the swarm and the heartbeat.
class LineReader {
public:
    LineReader(int fd, std::size_t max_line_length);

    // The next line (without its newline) if a whole one has arrived, or the
    // unterminated rest once the input ended. Throws ProtocolError for a line
    // longer than max_line_length, before buffering more than one read past it.
    std::optional<std::string> next_line();

    // The input ended and every line was returned.
    bool at_end() const { return ended_ && buffer_.empty(); }

    // Waits up to `timeout` for more input.
    void wait(std::chrono::milliseconds timeout) const;

private:
    // Where the first newline of the buffer is, or npos; remembers how far
    // it looked so that a long line arriving in pieces is scanned once.
    std::size_t find_newline();
    std::optional<std::string> take_line();
    bool readable() const;
    void check_length(std::size_t length) const;

    int fd_;
    std::size_t max_line_length_;
    std::string buffer_;
    std::size_t scanned_ = 0; // buffer_[0, scanned_) holds no '\n'
    bool ended_ = false;
};

} // namespace shoal::agent
