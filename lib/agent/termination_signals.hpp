#pragma once

#include "io/fd.hpp"

#include <csignal>

namespace shoal::agent {

// SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill, the SSH session going away),
// blocked and read from a descriptor so that the agent notices them between
// two polls and shuts down cleanly. Construct it before starting any thread:
// threads inherit the mask.
class TerminationSignals {
public:
    TerminationSignals();
    TerminationSignals(const TerminationSignals&) = delete;
    TerminationSignals& operator=(const TerminationSignals&) = delete;
    ~TerminationSignals();

    // The name of the signal received ("SIGTERM"), or nullptr if none was.
    const char* received();

private:
    sigset_t signals_;
    sigset_t previous_mask_;
    io::UniqueFd fd_;
    const char* received_ = nullptr;
};

} // namespace shoal::agent
