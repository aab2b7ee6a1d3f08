#pragma once

#include "io/wakeup.hpp"

#include <mutex>
#include <poll.h>
#include <span>
#include <thread>
#include <vector>

namespace shoal::ssh {

// What the loop drives: one SSH session's forwarded connections.
class Pumped {
public:
    // One round over the session's requests and tunnels, on the loop's
    // thread: adds the descriptors it waits on to `entries` and returns how
    // many milliseconds the loop may wait at most (0: go round again at once).
    virtual int pump(std::span<char> buffer, std::vector<pollfd>& entries) = 0;

protected:
    ~Pumped() = default;
};

// One thread and one poll() loop that move the bytes of every forwarding
// session of a command (the bastions, the hosts that reach us through a
// tunnel): threads do not grow with the sessions. Started with the first
// session; a command that forwards nothing has no thread.
class ForwardingLoop {
public:
    ForwardingLoop() = default;
    ~ForwardingLoop();
    ForwardingLoop(const ForwardingLoop&) = delete;
    ForwardingLoop& operator=(const ForwardingLoop&) = delete;

    // From here on, `pumped` is pumped on the loop's thread alone.
    void add(Pumped& pumped);
    // Returns once the loop is done with `pumped` (a round in progress ends first).
    void remove(Pumped& pumped);
    // Makes the loop go round now: a session has new work.
    void wake() { wakeup_.notify(); }

private:
    void run();

    io::Wakeup wakeup_;
    std::mutex mutex_; // held for each round: remove() waits for it
    std::vector<Pumped*> pumped_;
    bool stopping_ = false;
    std::thread thread_; // last: started once the rest exists
};

} // namespace shoal::ssh
