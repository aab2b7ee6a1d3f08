#include "ssh/forwarding_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <spdlog/spdlog.h>

namespace shoal::ssh {

ForwardingLoop::~ForwardingLoop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wakeup_.notify();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ForwardingLoop::add(Pumped& pumped) {
    {
        const std::lock_guard lock(mutex_);
        pumped_.push_back(&pumped);
        if (!thread_.joinable()) {
            thread_ = std::thread([this] { run(); });
        }
    }
    wakeup_.notify();
}

void ForwardingLoop::remove(Pumped& pumped) {
    wakeup_.notify(); // out of poll() and to the lock sooner
    const std::lock_guard lock(mutex_);
    std::erase(pumped_, &pumped);
}

void ForwardingLoop::run() {
    std::vector<char> buffer(64 * 1024);
    std::vector<pollfd> entries;
    for (;;) {
        int wait = 1000;
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            wakeup_.drain();
            entries.clear();
            entries.push_back({wakeup_.fd(), POLLIN, 0});
            for (auto* pumped : pumped_) {
                wait = std::min(wait, pumped->pump(buffer, entries));
            }
        }
        // A descriptor of a session removed meanwhile at worst wakes the loop once.
        if (::poll(entries.data(), entries.size(), wait) < 0 && errno != EINTR) {
            // Not for lack of descriptors (the limit is raised at start). A pause
            // instead of an end: the tunnels go on, if slower.
            spdlog::warn("forwarded connections: poll: {}", std::strerror(errno));
            std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        }
    }
}

} // namespace shoal::ssh
