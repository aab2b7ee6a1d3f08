#pragma once

#include "agent/messages.hpp"
#include "swarm/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace shoal::push {

// Stands for the deployer in a receiver's peer list.
inline constexpr std::size_t deployer_peer = static_cast<std::size_t>(-1);

// Where a receiver gets its bytes, per the plan.
struct ReceiverRoute {
    std::vector<std::size_t> peers;   // receiver indices, or `deployer_peer`
    std::optional<std::size_t> slice; // which of the deployer's slices it fetches
    // The plan's zone: its hosts trade among themselves and the slices of
    // the zone's fed hosts hold every piece (push::slice_pieces).
    std::size_t zone = 0;
};

struct CoordinatorTimeouts {
    // An agent that has not said it listens by then is given up on.
    std::chrono::seconds agent_start{60};
    // A receiver that gains nothing for this long is given up on (direct copy).
    std::chrono::seconds stall{60};
    // A receiver that gains nothing from its peers for this long is given
    // every slice of the deployer: a few duplicate bytes beat a stalled host.
    // Not much shorter: at the start of a push to hundreds of hosts on slow
    // links, a fed host may wait 10 s for its first bytes of the deployer.
    std::chrono::seconds open_sources{30};

    // `open_sources` as above, but at most half of `stall`, so that a stuck
    // receiver is given the slices before it is given up on.
    static CoordinatorTimeouts with(std::chrono::seconds agent_start, std::chrono::seconds stall);
};

// At most this many stuck receivers hold every slice of the deployer at once
// (each dials every slice); the others wait for one to complete. When many
// hosts stall together (a network fault), opening the deployer to all of
// them floods its uplink and its listen queues and rescues none.
inline constexpr std::size_t max_opened_at_once = 8;

// The agent of `receiver` is given up on, for `reason`; its host then gets a direct copy.
struct GiveUp {
    std::string reason;
};

struct Order {
    std::size_t receiver = 0;
    std::variant<agent::Command, GiveUp> action;
};

struct Decisions {
    std::vector<Order> orders;
    std::vector<std::size_t> opened; // receivers given every slice just now (they were stuck)
    bool peers_given = false;        // every agent listens: peers were handed out just now
    bool finished = false;           // every receiver is complete or failed; Finish is ordered
};

// The controller's decisions about a swarm push, as a pure function of what
// the agents reported and the time: who gets which peers and when, who
// inherits a failed host's slice of the deployer, who is stuck or stalled,
// who is refused as a liar, and when the swarm is over. No I/O and no clock
// of its own, so that a test can play a whole fleet through it.
class SwarmCoordinator {
public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;

    enum class Phase {
        preparing, // before its agent starts (e.g. shoal itself is being copied there)
        starting,  // its agent runs but does not listen yet
        ready,     // its agent listens
        complete,  // it has its closure
        failed,    // its agent failed or was given up on
    };

    struct Receiver {
        Phase phase = Phase::preparing;
        swarm::Endpoint endpoint; // where its swarm listens, once ready
        std::uint64_t downloaded = 0;
        std::uint64_t wanted = 0;
        std::uint64_t received = 0; // payload bytes, verified or not
        Time phase_since;           // when it entered its phase
        Time last_gain;             // when `downloaded` or `received` last grew
        bool given_sources = false; // was given every slice of the deployer
        bool given_slice = false;   // a fed receiver was given its own slice
    };

    // `sources`: one endpoint per slice of the deployer; together, every piece.
    SwarmCoordinator(std::vector<ReceiverRoute> routes, std::vector<swarm::Endpoint> sources,
                     CoordinatorTimeouts timeouts, Time now);

    // What the agents (or their host connections) report.
    void agent_starting(std::size_t receiver, Time now);
    void agent_ready(std::size_t receiver, swarm::Endpoint endpoint, Time now);
    void agent_progress(std::size_t receiver, std::uint64_t downloaded, std::uint64_t wanted,
                        Time now, std::uint64_t received = 0);
    void agent_complete(std::size_t receiver, Time now);
    void receiver_failed(std::size_t receiver, Time now);

    // Some agent caught `address` sending data that failed its hash check:
    // every other agent is ordered to refuse it, and `liar` (the receiver at
    // that address, if any) is given up on. False if it was banned already.
    bool peer_banned(const std::string& address, std::optional<std::size_t> liar, Time now);

    // Everything that is due at `now`, including orders queued by the reports.
    Decisions decide(Time now);

    const std::vector<Receiver>& receivers() const { return receivers_; }
    bool peers_given() const { return peers_given_; }

private:
    void order(std::size_t receiver, agent::Command command);
    void give_up(std::size_t receiver, std::string reason, Time now);
    void set_phase(std::size_t receiver, Phase phase, Time now);
    void give_first_peers(std::size_t receiver);
    // The deployer's slice the plan feeds `receiver` from, if it is fed.
    std::optional<swarm::Endpoint> own_slice(std::size_t receiver) const;
    std::optional<std::size_t> slice_heir(std::size_t failed) const;
    bool peers_ahead(std::size_t receiver) const;
    void hand_over_slice(std::size_t failed);

    std::vector<ReceiverRoute> routes_;
    std::vector<swarm::Endpoint> sources_;
    CoordinatorTimeouts timeouts_;
    std::vector<Receiver> receivers_;
    std::vector<std::vector<std::size_t>> neighbours_; // each receiver's peers, both directions
    std::size_t unresolved_;                           // receivers still preparing or starting
    std::size_t undone_;                               // receivers neither complete nor failed
    bool peers_given_ = false;
    Time peers_given_at_;
    bool finished_ = false;
    std::set<std::string> banned_;
    std::vector<std::size_t> failed_unhandled_; // failures whose slice is not handed over yet
    std::vector<Order> pending_;
};

} // namespace shoal::push
