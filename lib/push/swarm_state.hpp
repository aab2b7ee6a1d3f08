#pragma once

#include "push/swarm_coordinator.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace shoal::push {

// The coordinator shared between the threads of a swarm push: host threads
// report what their agents say and take the orders meant for them; the
// coordinating thread has it decide. One mutex: a few reports per second per host.
class SwarmState {
public:
    using Phase = SwarmCoordinator::Phase;
    using Action = std::variant<agent::Command, GiveUp>;

    SwarmState(std::vector<ReceiverRoute> routes, std::vector<swarm::Endpoint> sources,
               CoordinatorTimeouts timeouts);

    void agent_starting(std::size_t receiver);
    void agent_ready(std::size_t receiver, swarm::Endpoint endpoint);
    void agent_progress(std::size_t receiver, std::uint64_t downloaded, std::uint64_t wanted);
    void agent_complete(std::size_t receiver);
    // Its host thread gave up on the agent: its orders are dropped.
    void receiver_failed(std::size_t receiver);
    bool peer_banned(const std::string& address, std::optional<std::size_t> liar);
    Phase phase(std::size_t receiver) const;

    // Decides, and queues each order for its receiver's host thread.
    Decisions decide();
    std::vector<Action> take_orders(std::size_t receiver);
    std::vector<SwarmCoordinator::Receiver> snapshot() const;

    // Tells every host thread to stop talking to its agent (Ctrl-C).
    void stop();
    bool stopping() const;

private:
    mutable std::mutex mutex_;
    SwarmCoordinator coordinator_;
    std::vector<std::vector<Action>> outboxes_;
    bool stopping_ = false;
};

} // namespace shoal::push
