#include "push/swarm_coordinator.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace shoal::push {

CoordinatorTimeouts CoordinatorTimeouts::with(std::chrono::seconds agent_start,
                                              std::chrono::seconds stall) {
    CoordinatorTimeouts timeouts{agent_start, stall};
    timeouts.open_sources = std::min(timeouts.open_sources, stall / 2);
    return timeouts;
}

SwarmCoordinator::SwarmCoordinator(std::vector<ReceiverRoute> routes,
                                   std::vector<swarm::Endpoint> sources,
                                   CoordinatorTimeouts timeouts, Time now)
    : routes_(std::move(routes)), sources_(std::move(sources)), timeouts_(timeouts),
      receivers_(routes_.size()), neighbours_(routes_.size()), unresolved_(routes_.size()),
      undone_(routes_.size()), peers_given_at_(now) {
    for (auto& r : receivers_) {
        r.phase_since = now;
        r.last_gain = now;
    }
    // A route lists whom a receiver dials; pieces flow both ways.
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        for (const auto peer : routes_[i].peers) {
            neighbours_[i].push_back(peer);
            if (peer != deployer_peer) {
                neighbours_.at(peer).push_back(i);
            }
        }
    }
}

void SwarmCoordinator::set_phase(std::size_t receiver, Phase phase, Time now) {
    auto& r = receivers_.at(receiver);
    const auto unresolved = [](Phase p) { return p == Phase::preparing || p == Phase::starting; };
    const auto undone = [](Phase p) { return p != Phase::complete && p != Phase::failed; };
    if (r.phase == Phase::failed || r.phase == phase) {
        return; // a failure is final; a repeated report changes nothing
    }
    unresolved_ -= unresolved(r.phase) && !unresolved(phase) ? 1 : 0;
    undone_ -= undone(r.phase) && !undone(phase) ? 1 : 0;
    r.phase = phase;
    r.phase_since = now;
    if (phase == Phase::failed) {
        failed_unhandled_.push_back(receiver);
    }
}

void SwarmCoordinator::agent_starting(std::size_t receiver, Time now) {
    if (receivers_.at(receiver).phase == Phase::preparing) {
        set_phase(receiver, Phase::starting, now);
    }
}

void SwarmCoordinator::agent_ready(std::size_t receiver, swarm::Endpoint endpoint, Time now) {
    auto& r = receivers_.at(receiver);
    if (r.phase == Phase::preparing || r.phase == Phase::starting) {
        r.endpoint = std::move(endpoint);
        set_phase(receiver, Phase::ready, now);
        // The deployer's slices listen from the start: a fed receiver fetches
        // its slice at once, while other agents still start; its peers come
        // once every agent listens.
        if (const auto slice = own_slice(receiver)) {
            r.given_slice = true;
            order(receiver, agent::Connect{{*slice}, true});
        }
    }
}

void SwarmCoordinator::agent_progress(std::size_t receiver, std::uint64_t downloaded,
                                      std::uint64_t wanted, Time now, std::uint64_t received) {
    auto& r = receivers_.at(receiver);
    // Bytes still short of a whole piece count too: with large pieces
    // shared among many peers, a busy host may verify none for a while.
    if (downloaded > r.downloaded || received > r.received) {
        r.last_gain = now;
    }
    r.downloaded = downloaded;
    r.wanted = wanted;
    r.received = std::max(r.received, received);
}

void SwarmCoordinator::agent_complete(std::size_t receiver, Time now) {
    auto& r = receivers_.at(receiver);
    if (r.phase != Phase::failed) {
        r.downloaded = r.wanted; // its last progress report may predate the last piece
    }
    set_phase(receiver, Phase::complete, now);
}

void SwarmCoordinator::receiver_failed(std::size_t receiver, Time now) {
    set_phase(receiver, Phase::failed, now);
}

void SwarmCoordinator::order(std::size_t receiver, agent::Command command) {
    if (receivers_.at(receiver).phase != Phase::failed) {
        pending_.push_back({receiver, std::move(command)});
    }
}

void SwarmCoordinator::give_up(std::size_t receiver, std::string reason, Time now) {
    if (receivers_.at(receiver).phase == Phase::failed) {
        return;
    }
    pending_.push_back({receiver, GiveUp{std::move(reason)}});
    set_phase(receiver, Phase::failed, now);
}

bool SwarmCoordinator::peer_banned(const std::string& address, std::optional<std::size_t> liar,
                                   Time now) {
    if (!banned_.insert(address).second) {
        return false;
    }
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
        if (i != liar) {
            order(i, agent::Ban{address});
        }
    }
    if (liar) {
        give_up(*liar,
                "other hosts caught its agent sending data that failed its hash check: it is "
                "out of the swarm",
                now);
    }
    return true;
}

// Its planned peers that listen, and the deployer's slice when it is fed and
// has not had it yet (a command of its own: the agent keeps room for it). A
// receiver whose peers all failed to start takes the bytes from the deployer.
void SwarmCoordinator::give_first_peers(std::size_t receiver) {
    std::vector<swarm::Endpoint> peers;
    for (const auto peer : routes_[receiver].peers) {
        if (peer != deployer_peer && (receivers_.at(peer).phase == Phase::ready ||
                                      receivers_.at(peer).phase == Phase::complete)) {
            peers.push_back(receivers_[peer].endpoint);
        }
    }
    const auto slice = own_slice(receiver);
    if (peers.empty() && !slice) {
        order(receiver, agent::Connect{sources_, true});
        return;
    }
    if (!peers.empty()) {
        order(receiver, agent::Connect{std::move(peers), false});
    }
    if (slice && !receivers_[receiver].given_slice) {
        receivers_[receiver].given_slice = true;
        order(receiver, agent::Connect{{*slice}, true});
    }
}

std::optional<swarm::Endpoint> SwarmCoordinator::own_slice(std::size_t receiver) const {
    const auto& route = routes_[receiver];
    if (std::find(route.peers.begin(), route.peers.end(), deployer_peer) == route.peers.end()) {
        return std::nullopt;
    }
    return sources_.at(route.slice.value());
}

// A fed receiver of the same zone after `failed` (cyclically) that has not
// failed itself, so that several failures spread their slices over several
// heirs. Another zone's would only fetch again what its zone has already.
std::optional<std::size_t> SwarmCoordinator::slice_heir(std::size_t failed) const {
    for (std::size_t step = 1; step < receivers_.size(); ++step) {
        const std::size_t i = (failed + step) % receivers_.size();
        if (routes_[i].slice && routes_[i].zone == routes_[failed].zone &&
            receivers_[i].phase != Phase::failed) {
            return i;
        }
    }
    return std::nullopt;
}

// Whether a peer of `receiver` holds more than it does: a host deep in the
// tree whose peers have nothing yet is waiting, not stuck.
bool SwarmCoordinator::peers_ahead(std::size_t receiver) const {
    const auto& peers = neighbours_[receiver];
    return std::any_of(peers.begin(), peers.end(), [&](std::size_t peer) {
        return peer == deployer_peer ||
               receivers_[peer].downloaded > receivers_[receiver].downloaded;
    });
}

// A failed receiver's slice would be missing from its zone: another fed
// receiver of the zone takes it over (one: several would fetch it twice), or,
// with none left, everybody in the zone.
void SwarmCoordinator::hand_over_slice(std::size_t failed) {
    if (!routes_[failed].slice) {
        return;
    }
    const auto& orphan = sources_.at(*routes_[failed].slice);
    if (const auto heir = slice_heir(failed)) {
        order(*heir, agent::Connect{{orphan}, true});
        return;
    }
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
        if (routes_[i].zone == routes_[failed].zone) {
            order(i, agent::Connect{{orphan}, true});
        }
    }
}

Decisions SwarmCoordinator::decide(Time now) {
    Decisions decisions;
    if (finished_) {
        return decisions;
    }
    std::size_t opened = static_cast<std::size_t>(
        std::count_if(receivers_.begin(), receivers_.end(), [](const Receiver& r) {
            return r.given_sources && r.phase == Phase::ready;
        }));
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
        const auto& r = receivers_[i];
        const auto idle = now - std::max(r.last_gain, peers_given_at_);
        if (r.phase == Phase::starting && now - r.phase_since > timeouts_.agent_start) {
            give_up(i, "the agent did not get ready in time", now);
        } else if (r.phase != Phase::ready || !peers_given_ || r.downloaded >= r.wanted) {
            // Not fetching (yet), or importing what it has: busy, not stalled.
        } else if (idle > timeouts_.stall) {
            give_up(i, fmt::format("no progress for {} s", timeouts_.stall.count()), now);
        } else if (idle > timeouts_.open_sources && !r.given_sources &&
                   opened < max_opened_at_once && peers_ahead(i)) {
            ++opened;
            receivers_[i].given_sources = true;
            decisions.opened.push_back(i);
            order(i, agent::Connect{sources_, true});
        }
    }
    // Peers learn each other only once all are listening: a peer that
    // connects too early is refused and retried much later.
    if (!peers_given_ && unresolved_ == 0) {
        peers_given_ = true;
        peers_given_at_ = now;
        decisions.peers_given = true;
        for (std::size_t i = 0; i < receivers_.size(); ++i) {
            give_first_peers(i);
        }
    }
    if (peers_given_) {
        for (const auto failed : std::exchange(failed_unhandled_, {})) {
            hand_over_slice(failed);
        }
    }
    if (undone_ == 0) {
        finished_ = true;
        decisions.finished = true;
        for (std::size_t i = 0; i < receivers_.size(); ++i) {
            order(i, agent::Finish{});
        }
    }
    decisions.orders = std::exchange(pending_, {});
    return decisions;
}

} // namespace shoal::push
