#include "push/swarm_coordinator.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>

using namespace std::chrono_literals;
using shoal::push::CoordinatorTimeouts;
using shoal::push::Decisions;
using shoal::push::deployer_peer;
using shoal::push::GiveUp;
using shoal::push::Order;
using shoal::push::ReceiverRoute;
using shoal::push::SwarmCoordinator;
using shoal::swarm::Endpoint;
namespace agent = shoal::agent;
using Phase = SwarmCoordinator::Phase;

namespace {

const SwarmCoordinator::Time t0{};

Endpoint host_endpoint(std::size_t i) {
    return {"10.0.0." + std::to_string(i + 10), 6881};
}
Endpoint slice_endpoint(std::size_t k) {
    return {"10.0.0.1", static_cast<std::uint16_t>(7000 + k)};
}

// Receiver 0 is fed slice 0 by the deployer, receiver 1 slice 1; the others
// take from the receiver before them.
SwarmCoordinator chain(std::size_t receivers, CoordinatorTimeouts timeouts = {}) {
    std::vector<ReceiverRoute> routes(receivers);
    routes[0] = {{deployer_peer}, 0};
    routes[1] = {{deployer_peer}, 1};
    for (std::size_t i = 2; i < receivers; ++i) {
        routes[i].peers = {i - 1};
    }
    return SwarmCoordinator(routes, {slice_endpoint(0), slice_endpoint(1)}, timeouts, t0);
}

void all_ready(SwarmCoordinator& coordinator, SwarmCoordinator::Time when) {
    for (std::size_t i = 0; i < coordinator.receivers().size(); ++i) {
        coordinator.agent_starting(i, when);
        coordinator.agent_ready(i, host_endpoint(i), when);
    }
}

std::vector<agent::Command> commands_for(const Decisions& decisions, std::size_t receiver) {
    std::vector<agent::Command> commands;
    for (const auto& order : decisions.orders) {
        if (const auto* command = std::get_if<agent::Command>(&order.action);
            command != nullptr && order.receiver == receiver) {
            commands.push_back(*command);
        }
    }
    return commands;
}

// Every peer the receiver was told to connect to, its planned peers before the deployer's.
std::vector<Endpoint> connect_peers(const Decisions& decisions, std::size_t receiver) {
    std::vector<Endpoint> peers;
    for (const auto& command : commands_for(decisions, receiver)) {
        const auto& connect = std::get<agent::Connect>(command);
        peers.insert(peers.end(), connect.peers.begin(), connect.peers.end());
    }
    REQUIRE(!peers.empty());
    return peers;
}

std::optional<std::string> give_up_reason(const Decisions& decisions, std::size_t receiver) {
    for (const auto& order : decisions.orders) {
        if (const auto* give_up = std::get_if<GiveUp>(&order.action);
            give_up != nullptr && order.receiver == receiver) {
            return give_up->reason;
        }
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("fed receivers fetch their slices as soon as they listen; peers once every agent "
          "listens, each its planned ones") {
    auto coordinator = chain(4);
    for (std::size_t i = 0; i < 3; ++i) {
        coordinator.agent_starting(i, t0);
        coordinator.agent_ready(i, host_endpoint(i), t0);
    }
    // The deployer's slices listen from the start: no need to wait for receiver 3.
    const auto early = coordinator.decide(t0 + 1s);
    CHECK_FALSE(early.peers_given);
    CHECK(early.orders.size() == 2);
    CHECK(connect_peers(early, 0) == std::vector{slice_endpoint(0)});
    CHECK(connect_peers(early, 1) == std::vector{slice_endpoint(1)});
    coordinator.agent_starting(3, t0 + 2s);
    CHECK(coordinator.decide(t0 + 3s).orders.empty());
    coordinator.agent_ready(3, host_endpoint(3), t0 + 4s);
    const auto decisions = coordinator.decide(t0 + 4s);
    CHECK(decisions.peers_given);
    // The fed receivers have their slice already, and no other peer.
    CHECK(decisions.orders.size() == 2);
    CHECK(connect_peers(decisions, 2) == std::vector{host_endpoint(1)});
    CHECK(connect_peers(decisions, 3) == std::vector{host_endpoint(2)});
    CHECK(coordinator.decide(t0 + 5s).orders.empty()); // once
    CHECK_FALSE(coordinator.decide(t0 + 6s).peers_given);
}

TEST_CASE("a fed receiver is told which of its peers is the deployer's slice") {
    std::vector<ReceiverRoute> routes(2);
    routes[0] = {{deployer_peer, 1}, 0};
    routes[1] = {{0}, std::nullopt};
    SwarmCoordinator coordinator(routes, {slice_endpoint(0)}, {}, t0);
    all_ready(coordinator, t0);
    const auto decisions = coordinator.decide(t0);
    const auto fed = commands_for(decisions, 0);
    REQUIRE(fed.size() == 2);
    // Its slice first (once it listens), then its peers (once all listen).
    CHECK(std::get<agent::Connect>(fed[0]).peers == std::vector{slice_endpoint(0)});
    CHECK(std::get<agent::Connect>(fed[0]).deployer);
    CHECK(std::get<agent::Connect>(fed[1]).peers == std::vector{host_endpoint(1)});
    CHECK_FALSE(std::get<agent::Connect>(fed[1]).deployer);
    const auto other = commands_for(decisions, 1);
    REQUIRE(other.size() == 1);
    CHECK_FALSE(std::get<agent::Connect>(other[0]).deployer);
}

TEST_CASE("a receiver whose planned peers all failed takes every slice of the deployer") {
    auto coordinator = chain(3);
    coordinator.receiver_failed(1, t0);
    for (const std::size_t i : {0, 2}) {
        coordinator.agent_ready(i, host_endpoint(i), t0);
    }
    const auto decisions = coordinator.decide(t0 + 1s);
    CHECK(connect_peers(decisions, 2) == std::vector{slice_endpoint(0), slice_endpoint(1)});
}

TEST_CASE("a failed fed receiver's slice goes to one other fed receiver") {
    auto coordinator = chain(4);
    all_ready(coordinator, t0);
    coordinator.decide(t0);
    coordinator.receiver_failed(0, t0 + 1s);
    auto decisions = coordinator.decide(t0 + 1s);
    CHECK(connect_peers(decisions, 1) == std::vector{slice_endpoint(0)});
    CHECK(commands_for(decisions, 2).empty());
    CHECK(commands_for(decisions, 3).empty());

    // With no fed receiver left, everybody fetches the orphaned slice.
    coordinator.receiver_failed(1, t0 + 2s);
    decisions = coordinator.decide(t0 + 2s);
    CHECK(connect_peers(decisions, 2) == std::vector{slice_endpoint(1)});
    CHECK(connect_peers(decisions, 3) == std::vector{slice_endpoint(1)});
}

TEST_CASE("a failed fed receiver's slice stays in its zone") {
    // Two zones the deployer feeds: receivers 0 and 1 (zone 0) fetch slices
    // 0 and 1, receiver 2 (zone 1) slice 2; 3 is in zone 1, 4 in zone 0.
    std::vector<ReceiverRoute> routes{{{deployer_peer}, 0, 0},
                                      {{deployer_peer}, 1, 0},
                                      {{deployer_peer}, 2, 1},
                                      {{2}, std::nullopt, 1},
                                      {{0}, std::nullopt, 0}};
    SwarmCoordinator coordinator(routes, {slice_endpoint(0), slice_endpoint(1), slice_endpoint(2)},
                                 {}, t0);
    all_ready(coordinator, t0);
    coordinator.decide(t0);
    // Receiver 2, after 1 cyclically, is of the other zone: 1's slice goes to 0.
    coordinator.receiver_failed(1, t0 + 1s);
    auto decisions = coordinator.decide(t0 + 1s);
    CHECK(connect_peers(decisions, 0) == std::vector{slice_endpoint(1)});
    CHECK(commands_for(decisions, 2).empty());
    // Zone 1 has no other fed receiver: all of zone 1 fetches slice 2, zone 0 does not.
    coordinator.receiver_failed(2, t0 + 2s);
    decisions = coordinator.decide(t0 + 2s);
    CHECK(connect_peers(decisions, 3) == std::vector{slice_endpoint(2)});
    CHECK(commands_for(decisions, 0).empty());
    CHECK(commands_for(decisions, 4).empty());
}

TEST_CASE("a stuck receiver is given every slice once, a stalled one is given up on") {
    CoordinatorTimeouts timeouts;
    timeouts.open_sources = 10s;
    timeouts.stall = 30s;
    auto coordinator = chain(3, timeouts);
    all_ready(coordinator, t0);
    coordinator.decide(t0);
    for (std::size_t i = 0; i < 3; ++i) {
        coordinator.agent_progress(i, 100, 1000, t0 + 1s);
    }
    coordinator.agent_progress(0, 1000, 1000, t0 + 2s); // importing: busy, not stuck
    coordinator.agent_progress(1, 200, 1000, t0 + 9s);
    auto decisions = coordinator.decide(t0 + 12s);
    CHECK(decisions.opened == std::vector<std::size_t>{2});
    CHECK(connect_peers(decisions, 2) == std::vector{slice_endpoint(0), slice_endpoint(1)});
    CHECK(coordinator.decide(t0 + 15s).opened.empty()); // once

    decisions = coordinator.decide(t0 + 32s);
    CHECK(give_up_reason(decisions, 2) == "no progress for 30 s");
    CHECK(give_up_reason(decisions, 1) == std::nullopt); // gained at 9 s
    CHECK(!give_up_reason(decisions, 0));
    CHECK(coordinator.receivers()[2].phase == Phase::failed);
}

// A chain whose receivers all listen, have their peers and want 1000 bytes,
// stuck after 10 s without gain.
SwarmCoordinator fetching_chain(std::size_t receivers) {
    CoordinatorTimeouts timeouts;
    timeouts.open_sources = 10s;
    auto coordinator = chain(receivers, timeouts);
    all_ready(coordinator, t0);
    coordinator.decide(t0);
    for (std::size_t i = 0; i < receivers; ++i) {
        coordinator.agent_progress(i, 0, 1000, t0);
    }
    return coordinator;
}

TEST_CASE("a stuck receiver is given the slices well before it would be given up on") {
    CHECK(CoordinatorTimeouts::with(60s, 60s).open_sources == 30s);
    CHECK(CoordinatorTimeouts::with(60s, 20s).open_sources == 10s);
    CHECK(CoordinatorTimeouts::with(60s, 20s).stall == 20s);
}

TEST_CASE("a receiver whose peers have nothing yet waits; it is not stuck") {
    auto coordinator = fetching_chain(4);
    coordinator.agent_progress(0, 500, 1000, t0 + 9s); // 0 and 1 gain, 2 and 3 do not
    coordinator.agent_progress(1, 500, 1000, t0 + 9s);
    // 2's peer (1) is ahead: 2 is stuck; 3's peers (2) have nothing: 3 waits.
    CHECK(coordinator.decide(t0 + 12s).opened == std::vector<std::size_t>{2});
}

TEST_CASE("bytes short of a whole piece are progress too") {
    auto coordinator = fetching_chain(3);
    coordinator.agent_progress(1, 100, 1000, t0 + 1s);    // ahead of 2
    coordinator.agent_progress(2, 0, 1000, t0 + 8s, 500); // no piece verified yet
    CHECK(coordinator.decide(t0 + 12s).opened == std::vector<std::size_t>{0, 1});
    CHECK(coordinator.decide(t0 + 19s).opened == std::vector<std::size_t>{2});
}

TEST_CASE("at most 8 stuck receivers hold the deployer's slices at once") {
    auto coordinator = fetching_chain(20);
    for (std::size_t i = 0; i < 20; ++i) { // each behind the one it fetches from
        coordinator.agent_progress(i, 500 - 10 * i, 1000, t0 + 1s);
    }
    auto decisions = coordinator.decide(t0 + 12s);
    REQUIRE(decisions.opened.size() == shoal::push::max_opened_at_once);
    CHECK(decisions.opened.front() == 0);
    CHECK(coordinator.decide(t0 + 13s).opened.empty()); // the others wait

    // One of them completes: the next stuck receiver takes its place.
    coordinator.agent_progress(0, 1000, 1000, t0 + 14s);
    coordinator.agent_complete(0, t0 + 14s);
    decisions = coordinator.decide(t0 + 15s);
    CHECK(decisions.opened == std::vector<std::size_t>{8});
    CHECK(connect_peers(decisions, 8) == std::vector{slice_endpoint(0), slice_endpoint(1)});
}

TEST_CASE("nobody stalls while waiting for the peers of the others") {
    CoordinatorTimeouts timeouts;
    timeouts.stall = 30s;
    timeouts.agent_start = 300s;
    auto coordinator = chain(2, timeouts);
    coordinator.agent_ready(0, host_endpoint(0), t0);
    coordinator.agent_progress(0, 0, 1000, t0);
    coordinator.agent_starting(1, t0);
    CHECK(connect_peers(coordinator.decide(t0), 0) == std::vector{slice_endpoint(0)});
    CHECK(coordinator.decide(t0 + 100s).orders.empty());
    coordinator.agent_ready(1, host_endpoint(1), t0 + 100s);
    coordinator.decide(t0 + 100s);
    CHECK(!give_up_reason(coordinator.decide(t0 + 120s), 0));
}

TEST_CASE("an agent that does not get ready in time is given up on; copying shoal is not timed") {
    CoordinatorTimeouts timeouts;
    timeouts.agent_start = 60s;
    auto coordinator = chain(3, timeouts);
    coordinator.agent_starting(0, t0 + 10s);
    coordinator.agent_ready(1, host_endpoint(1), t0);
    CHECK(connect_peers(coordinator.decide(t0), 1) == std::vector{slice_endpoint(1)});
    auto decisions = coordinator.decide(t0 + 69s);
    CHECK(decisions.orders.empty());
    decisions = coordinator.decide(t0 + 71s);
    CHECK(give_up_reason(decisions, 0) == "the agent did not get ready in time");
    CHECK(!give_up_reason(decisions, 2)); // still preparing
}

TEST_CASE("Finish is ordered once every receiver is complete or failed") {
    auto coordinator = chain(3);
    all_ready(coordinator, t0);
    coordinator.decide(t0);
    coordinator.agent_complete(0, t0 + 1s);
    coordinator.receiver_failed(1, t0 + 1s);
    CHECK_FALSE(coordinator.decide(t0 + 1s).finished);
    coordinator.agent_complete(2, t0 + 2s);
    const auto decisions = coordinator.decide(t0 + 2s);
    CHECK(decisions.finished);
    CHECK(commands_for(decisions, 0).size() == 1);
    CHECK(commands_for(decisions, 1).empty()); // no agent left to tell
    CHECK(std::holds_alternative<agent::Finish>(commands_for(decisions, 2).front()));
    CHECK(coordinator.decide(t0 + 3s).orders.empty());
}

TEST_CASE("a banned liar is refused by every other agent and given up on, once") {
    auto coordinator = chain(4);
    coordinator.receiver_failed(3, t0);
    CHECK(coordinator.peer_banned("10.0.0.11", 1, t0));
    auto decisions = coordinator.decide(t0);
    CHECK(std::get<agent::Ban>(commands_for(decisions, 0).at(0)).address == "10.0.0.11");
    CHECK(commands_for(decisions, 1).empty()); // the liar itself is not told
    CHECK(give_up_reason(decisions, 1).value().find("failed its hash check") != std::string::npos);
    CHECK(commands_for(decisions, 2).size() == 1);
    CHECK(commands_for(decisions, 3).empty()); // a failed host has no agent to tell

    // A second report of the same liar changes nothing.
    CHECK_FALSE(coordinator.peer_banned("10.0.0.11", 1, t0));
    CHECK(coordinator.decide(t0).orders.empty());
}

TEST_CASE("a liar outside the inventory is refused, and nobody is given up on") {
    auto coordinator = chain(2);
    CHECK(coordinator.peer_banned("192.0.2.9", std::nullopt, t0));
    const auto decisions = coordinator.decide(t0);
    CHECK(decisions.orders.size() == 2);
    CHECK(!give_up_reason(decisions, 0));
    CHECK(!give_up_reason(decisions, 1));
}

// A whole push of 10,000 receivers in 200 ms steps: agents start over 20 s,
// 1 % never get ready, 1 % fail midway (several of them fed), 2 % stop
// gaining until given every slice. Every receiver must end complete or given
// up on, with Finish ordered. Linear work per step keeps this well under a
// second in an optimised build; a quadratic rule would take minutes.
TEST_CASE("ten thousand simulated receivers play through a push") {
    constexpr std::size_t receivers = 10'000;
    constexpr std::size_t slices = 32;
    constexpr std::uint64_t wanted = 64;
    std::mt19937 random(9);
    std::vector<ReceiverRoute> routes(receivers);
    std::vector<Endpoint> sources;
    for (std::size_t k = 0; k < slices; ++k) {
        sources.push_back(slice_endpoint(k));
        routes[k * (receivers / slices)] = {{deployer_peer}, k};
    }
    for (std::size_t i = 0; i < receivers; ++i) {
        if (!routes[i].slice) {
            for (int p = 0; p < 6; ++p) {
                routes[i].peers.push_back(random() % receivers);
            }
        }
    }
    enum class Fate { fine, never_ready, fails, sticks };
    std::vector<Fate> fate(receivers, Fate::fine);
    std::vector<SwarmCoordinator::Time> ready_at(receivers);
    std::vector<std::uint64_t> downloaded(receivers, 0);
    for (std::size_t i = 0; i < receivers; ++i) {
        const auto roll = random() % 100;
        fate[i] = roll == 0   ? Fate::never_ready
                  : roll == 1 ? Fate::fails
                  : roll < 4  ? Fate::sticks
                              : Fate::fine;
        ready_at[i] = t0 + std::chrono::milliseconds(random() % 20'000);
    }
    CoordinatorTimeouts timeouts;
    SwarmCoordinator coordinator(routes, sources, timeouts, t0);
    std::vector<bool> opened(receivers, false);
    std::vector<bool> given_up(receivers, false);
    std::size_t peer_lists = 0;

    const auto wall_start = std::chrono::steady_clock::now();
    bool finished = false;
    auto now = t0;
    for (int step = 0; step < 10'000 && !finished; ++step) {
        now += 200ms;
        for (std::size_t i = 0; i < receivers; ++i) {
            const auto phase = coordinator.receivers()[i].phase;
            if (phase == Phase::preparing) {
                coordinator.agent_starting(i, now);
            } else if (phase == Phase::starting && now >= ready_at[i] &&
                       fate[i] != Fate::never_ready) {
                coordinator.agent_ready(i, host_endpoint(i), now);
                coordinator.agent_progress(i, 0, wanted, now);
            } else if (phase == Phase::ready && coordinator.peers_given()) {
                const bool stalls = fate[i] == Fate::sticks && !opened[i];
                if (fate[i] == Fate::fails && downloaded[i] == wanted / 2) {
                    coordinator.receiver_failed(i, now);
                } else if (!stalls) {
                    downloaded[i] = std::min(wanted, downloaded[i] + 1);
                    coordinator.agent_progress(i, downloaded[i], wanted, now);
                    if (downloaded[i] == wanted) {
                        coordinator.agent_complete(i, now);
                    }
                }
            }
        }
        const auto decisions = coordinator.decide(now);
        for (const auto& order : decisions.orders) {
            if (std::holds_alternative<GiveUp>(order.action)) {
                given_up[order.receiver] = true;
            } else if (const auto* connect =
                           std::get_if<agent::Connect>(&std::get<agent::Command>(order.action))) {
                peer_lists += connect->peers.empty() ? 0 : 1;
            }
        }
        for (const auto i : decisions.opened) {
            opened[i] = true;
        }
        finished = decisions.finished;
    }
    const auto wall = std::chrono::steady_clock::now() - wall_start;
    MESSAGE("10,000 receivers: " << std::chrono::duration<double>(wall).count()
                                 << " s of wall time for "
                                 << std::chrono::duration<double>(now - t0).count()
                                 << " s of simulated push");
    REQUIRE(finished);
    CHECK(peer_lists >= receivers - receivers / 50);
    std::size_t stuck_opened = 0;
    std::size_t stuck_given_up = 0;
    for (std::size_t i = 0; i < receivers; ++i) {
        const auto phase = coordinator.receivers()[i].phase;
        switch (fate[i]) {
        case Fate::fine:
            CHECK(phase == Phase::complete);
            break;
        case Fate::sticks:
            // 8 at a time are given the deployer's slices; the ones still
            // waiting when they reach the stall timeout get a direct copy.
            if (opened[i]) {
                CHECK(phase == Phase::complete);
            } else {
                CHECK(given_up[i]);
            }
            ++(opened[i] ? stuck_opened : stuck_given_up);
            break;
        case Fate::never_ready:
            CHECK(given_up[i]);
            break;
        case Fate::fails:
            CHECK(phase == Phase::failed);
            break;
        }
    }
    MESSAGE(stuck_opened << " stuck receivers given the deployer's slices, " << stuck_given_up
                         << " given up on");
    CHECK(stuck_opened >= shoal::push::max_opened_at_once);
    // Sanitizer builds run several times slower; the bound only catches a blow-up.
    CHECK(wall < 20s);
}
