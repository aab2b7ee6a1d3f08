// How much of a fed host's link its other peers may take while the
// deployer's slice comes in.
#include "plan/deployer_slices.hpp"

#include <doctest/doctest.h>

namespace {

using shoal::plan::peer_limit_while_fed;

constexpr std::uint64_t mbit = 1'000'000;

TEST_CASE("other peers leave a fed host's slice its share of the deployer's uplink") {
    // 2 Mbit/s everywhere, 8 slices: each flow of the deployer can have
    // 250 kbit/s; the rest of the link, less a tenth, is the other peers'.
    CHECK(peer_limit_while_fed(2 * mbit, 2 * mbit, 8, 9) == 1'575'000);
    CHECK(peer_limit_while_fed(2 * mbit, 2 * mbit, 8, 25) == 1'575'000);
    // A deployer 10 times faster than each host fills 5 of 8 hosts' links.
    CHECK(peer_limit_while_fed(100 * mbit, 1000 * mbit, 8, 9) == 10 * mbit);
}

TEST_CASE("where fed hosts are a quarter of the receivers or fewer, their peers get half") {
    CHECK(peer_limit_while_fed(2 * mbit, 2 * mbit, 8, 32) == 875'000);
    CHECK(peer_limit_while_fed(2 * mbit, 2 * mbit, 8, 100) == 875'000);
    CHECK(peer_limit_while_fed(2 * mbit, 2 * mbit, 8, 10'000) == 875'000);
    // Still never below a tenth of the link.
    CHECK(peer_limit_while_fed(20 * mbit, 20 * mbit, 1, 100) == 2 * mbit);
}

TEST_CASE("other peers are never held below a tenth of the link") {
    // One slice on equal links: the deployer alone could fill the host's link.
    CHECK(peer_limit_while_fed(20 * mbit, 20 * mbit, 1, 2) == 2 * mbit);
    CHECK(peer_limit_while_fed(20 * mbit, 20 * mbit, 2, 3) == 9 * mbit);
}

TEST_CASE("no hold where every receiver is fed") {
    CHECK(peer_limit_while_fed(20 * mbit, 20 * mbit, 2, 2) == 0);
    CHECK(peer_limit_while_fed(2 * mbit, 2 * mbit, 8, 8) == 0);
}

TEST_CASE("no hold without a slice or link speeds") {
    CHECK(peer_limit_while_fed(0, 20 * mbit, 4, 100) == 0);
    CHECK(peer_limit_while_fed(20 * mbit, 0, 4, 100) == 0);
    CHECK(peer_limit_while_fed(20 * mbit, 20 * mbit, 0, 100) == 0);
}

} // namespace
