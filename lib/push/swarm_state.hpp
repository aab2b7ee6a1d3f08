#pragma once

#include "agent/messages.hpp"
#include "swarm/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shoal::push {

// What the controller knows about each receiver's agent. Host threads report
// into it; the coordinating thread reads snapshots and queues messages that
// the host threads send on. One mutex: updates are a few per second per host.
class SwarmState {
public:
    enum class Phase { starting, ready, complete, failed };

    struct Receiver {
        Phase phase = Phase::starting;
        swarm::Endpoint endpoint; // where its swarm listens, once ready
        std::uint64_t downloaded = 0;
        std::uint64_t wanted = 0;
        std::chrono::steady_clock::time_point last_gain; // when downloaded last grew
        bool expelled = false; // others caught its agent sending data that failed its hash check
    };

    explicit SwarmState(std::size_t receivers);

    void set_ready(std::size_t receiver, swarm::Endpoint endpoint);
    void set_progress(std::size_t receiver, std::uint64_t downloaded, std::uint64_t wanted);
    void set_complete(std::size_t receiver);
    void set_failed(std::size_t receiver);

    // Queues a message for the receiver's agent; dropped if it has failed.
    void post(std::size_t receiver, agent::Command command);
    std::vector<agent::Command> take_posted(std::size_t receiver);

    // An agent caught `address` sending data that failed its hash check:
    // every other agent is told to refuse it too, and `liar` (the receiver
    // at that address, if any) is expelled. False if it was banned already.
    bool ban(const std::string& address, std::optional<std::size_t> liar);

    // Tells every host thread to stop talking to its agent (Ctrl-C).
    void stop();
    bool stopping() const;

    std::vector<Receiver> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::vector<Receiver> receivers_;
    std::vector<std::vector<agent::Command>> outboxes_;
    std::set<std::string> banned_;
    bool stopping_ = false;
};

} // namespace shoal::push
