#pragma once

#include "io/fd.hpp"

#include <csignal>

namespace shoal::io {

// SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill, the SSH session going away),
// blocked and read from a descriptor so that a long-running loop (the agent's,
// the swarm controller's) notices them between two polls and shuts down
// cleanly: agents save their state, nothing dies mid-write. Construct it before starting any
// thread: threads inherit the mask.
class TerminationSignals {
public:
    TerminationSignals();
    TerminationSignals(const TerminationSignals&) = delete;
    TerminationSignals& operator=(const TerminationSignals&) = delete;
    ~TerminationSignals();

    // The name of the signal received ("SIGTERM"), or nullptr if none was.
    const char* received();
    // Its number, once received() has returned it; 0 before.
    int number() const { return number_; }

private:
    sigset_t signals_;
    sigset_t previous_mask_;
    io::UniqueFd fd_;
    const char* received_ = nullptr;
    int number_ = 0;
};

} // namespace shoal::io
