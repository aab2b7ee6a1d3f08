#pragma once

#include "agent/messages.hpp"
#include "io/fd.hpp"

namespace shoal::agent {

// Writes the agent's events, one line each, written out at once: the
// controller reads them as they come.
class EventWriter {
public:
    explicit EventWriter(io::UniqueFd fd) : fd_(std::move(fd)) {}

    // Takes this process's stdout for events: they go to a private copy of
    // it, and descriptor 1 is pointed at stderr, so that no stray write by
    // anyone can ever corrupt the protocol.
    static EventWriter take_stdout();

    // Throws util::SystemError if the controller is gone.
    void write(const Event& event);

private:
    io::UniqueFd fd_;
};

} // namespace shoal::agent
