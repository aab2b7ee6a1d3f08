#include "push/swarm_state.hpp"

#include <utility>

namespace shoal::push {
namespace {

SwarmCoordinator::Time now() {
    return SwarmCoordinator::Clock::now();
}

} // namespace

SwarmState::SwarmState(std::vector<ReceiverRoute> routes, std::vector<swarm::Endpoint> sources,
                       CoordinatorTimeouts timeouts)
    : coordinator_(std::move(routes), std::move(sources), timeouts, now()),
      outboxes_(coordinator_.receivers().size()) {}

void SwarmState::agent_starting(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    coordinator_.agent_starting(receiver, now());
}

void SwarmState::agent_ready(std::size_t receiver, swarm::Endpoint endpoint) {
    std::lock_guard lock(mutex_);
    coordinator_.agent_ready(receiver, std::move(endpoint), now());
}

void SwarmState::agent_progress(std::size_t receiver, std::uint64_t downloaded,
                                std::uint64_t wanted) {
    std::lock_guard lock(mutex_);
    coordinator_.agent_progress(receiver, downloaded, wanted, now());
}

void SwarmState::agent_complete(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    coordinator_.agent_complete(receiver, now());
}

void SwarmState::receiver_failed(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    coordinator_.receiver_failed(receiver, now());
    outboxes_.at(receiver).clear();
}

bool SwarmState::peer_banned(const std::string& address, std::optional<std::size_t> liar) {
    std::lock_guard lock(mutex_);
    return coordinator_.peer_banned(address, liar, now());
}

SwarmState::Phase SwarmState::phase(std::size_t receiver) const {
    std::lock_guard lock(mutex_);
    return coordinator_.receivers().at(receiver).phase;
}

Decisions SwarmState::decide() {
    std::lock_guard lock(mutex_);
    auto decisions = coordinator_.decide(now());
    for (auto& order : decisions.orders) {
        outboxes_.at(order.receiver).push_back(std::move(order.action));
    }
    decisions.orders.clear();
    return decisions;
}

std::vector<SwarmState::Action> SwarmState::take_orders(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    return std::exchange(outboxes_.at(receiver), {});
}

std::vector<SwarmCoordinator::Receiver> SwarmState::snapshot() const {
    std::lock_guard lock(mutex_);
    return coordinator_.receivers();
}

void SwarmState::stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
}

bool SwarmState::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

} // namespace shoal::push
