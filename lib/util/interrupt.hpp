#pragma once

#include <atomic>
#include <csignal>
#include <thread>

namespace shoal::util {

// Turns SIGINT, SIGTERM and SIGHUP into a flag that long-running work polls,
// so that an interrupted push can tell its agents to stop and save their
// state instead of dying mid-write. Make it before starting other threads:
// they inherit the blocked signal mask, and only its own thread takes them.
class Interrupt {
public:
    Interrupt();
    ~Interrupt();
    Interrupt(const Interrupt&) = delete;
    Interrupt& operator=(const Interrupt&) = delete;

    bool requested() const { return signal_.load() != 0; }
    int signal_number() const { return signal_.load(); }

private:
    sigset_t signals_{};
    sigset_t previous_mask_{};
    std::atomic<int> signal_{0};
    std::atomic<bool> closing_{false};
    std::thread watcher_;
};

} // namespace shoal::util
