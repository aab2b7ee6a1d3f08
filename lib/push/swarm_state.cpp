#include "push/swarm_state.hpp"

#include <utility>

namespace shoal::push {

SwarmState::SwarmState(std::size_t receivers) : receivers_(receivers), outboxes_(receivers) {
    for (auto& r : receivers_) {
        r.last_gain = std::chrono::steady_clock::now();
    }
}

void SwarmState::set_ready(std::size_t receiver, swarm::Endpoint endpoint) {
    std::lock_guard lock(mutex_);
    auto& r = receivers_.at(receiver);
    r.endpoint = std::move(endpoint);
    if (r.phase == Phase::starting) {
        r.phase = Phase::ready;
    }
}

void SwarmState::set_progress(std::size_t receiver, std::uint64_t downloaded,
                              std::uint64_t wanted) {
    std::lock_guard lock(mutex_);
    auto& r = receivers_.at(receiver);
    if (downloaded > r.downloaded) {
        r.last_gain = std::chrono::steady_clock::now();
    }
    r.downloaded = downloaded;
    r.wanted = wanted;
}

void SwarmState::set_complete(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    auto& r = receivers_.at(receiver);
    r.phase = Phase::complete;
    r.downloaded = r.wanted; // its last heartbeat may predate the last piece
}

void SwarmState::set_failed(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    receivers_.at(receiver).phase = Phase::failed;
    outboxes_.at(receiver).clear();
}

void SwarmState::post(std::size_t receiver, agent::Command command) {
    std::lock_guard lock(mutex_);
    if (receivers_.at(receiver).phase != Phase::failed) {
        outboxes_.at(receiver).push_back(std::move(command));
    }
}

std::vector<agent::Command> SwarmState::take_posted(std::size_t receiver) {
    std::lock_guard lock(mutex_);
    return std::exchange(outboxes_.at(receiver), {});
}

bool SwarmState::ban(const std::string& address, std::optional<std::size_t> liar) {
    std::lock_guard lock(mutex_);
    if (!banned_.insert(address).second) {
        return false;
    }
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
        if (i != liar && receivers_[i].phase != Phase::failed) {
            outboxes_[i].push_back(agent::Ban{address});
        }
    }
    if (liar) {
        receivers_.at(*liar).expelled = true;
    }
    return true;
}

void SwarmState::stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
}

bool SwarmState::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

std::vector<SwarmState::Receiver> SwarmState::snapshot() const {
    std::lock_guard lock(mutex_);
    return receivers_;
}

} // namespace shoal::push
