#pragma once

#include "io/line_splitter.hpp"

#include <chrono>
#include <cstddef>
#include <initializer_list>
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
    bool at_end() const { return ended_ && lines_.rest().empty(); }

    // Waits up to `timeout` for more input, or for one of `also` (other
    // descriptors) to become readable.
    void wait(std::chrono::milliseconds timeout, std::initializer_list<int> also = {}) const;

private:
    std::optional<std::string> read_line(); // next_line, with io::LineTooLong
    bool readable() const;

    int fd_;
    io::LineSplitter lines_;
    bool ended_ = false;
};

} // namespace shoal::agent
