#include "push/swarm_state.hpp"

#include <doctest/doctest.h>

using shoal::push::SwarmState;
namespace agent = shoal::agent;

namespace {

std::vector<std::string> bans_posted(SwarmState& state, std::size_t receiver) {
    std::vector<std::string> addresses;
    for (const auto& command : state.take_posted(receiver)) {
        if (const auto* ban = std::get_if<agent::Ban>(&command)) {
            addresses.push_back(ban->address);
        }
    }
    return addresses;
}

} // namespace

TEST_CASE("a banned liar is refused by every other agent and expelled, once") {
    SwarmState state(4);
    state.set_failed(3);
    CHECK(state.ban("10.0.0.2", 1));
    CHECK(bans_posted(state, 0) == std::vector<std::string>{"10.0.0.2"});
    CHECK(bans_posted(state, 1).empty()); // the liar itself is not told
    CHECK(bans_posted(state, 2) == std::vector<std::string>{"10.0.0.2"});
    CHECK(bans_posted(state, 3).empty()); // a failed host has no agent to tell
    const auto snapshot = state.snapshot();
    CHECK(snapshot[1].expelled);
    CHECK_FALSE(snapshot[0].expelled);

    // A second report of the same liar changes nothing.
    CHECK_FALSE(state.ban("10.0.0.2", 1));
    CHECK(bans_posted(state, 0).empty());
}

TEST_CASE("a liar outside the inventory is refused, and nobody is expelled") {
    SwarmState state(2);
    CHECK(state.ban("192.0.2.9", std::nullopt));
    CHECK(bans_posted(state, 0) == std::vector<std::string>{"192.0.2.9"});
    CHECK(bans_posted(state, 1) == std::vector<std::string>{"192.0.2.9"});
    for (const auto& receiver : state.snapshot()) {
        CHECK_FALSE(receiver.expelled);
    }
}
