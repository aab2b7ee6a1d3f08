#include "fleet/busy_store.hpp"

#include <doctest/doctest.h>

using shoal::fleet::busy_store_backoff;
using shoal::fleet::store_was_busy;

TEST_CASE("a busy store is told from other failures by Nix's own message") {
    CHECK(store_was_busy("root@10.0.0.4:22: handshake: remote nix-store failed: error: SQLite "
                         "database '/nix/var/nix/db/db.sqlite' is busy"));
    CHECK_FALSE(store_was_busy("root@10.0.0.4:22: handshake: remote nix-store failed: error: "
                               "SQLite database '/nix/var/nix/db/db.sqlite' is corrupt"));
    CHECK_FALSE(store_was_busy("error: the host is busy"));
    CHECK_FALSE(store_was_busy(""));
}

TEST_CASE("a busy store is retried five times, waiting longer each time") {
    std::chrono::milliseconds shortest_total{0};
    std::chrono::milliseconds longest_total{0};
    std::optional<std::chrono::milliseconds> previous;
    std::size_t retries = 0;
    for (; auto shortest = busy_store_backoff(retries, 0.0); ++retries) {
        const auto longest = busy_store_backoff(retries, 0.999);
        REQUIRE(longest);
        CHECK(*shortest < *longest);
        if (previous) {
            CHECK(*shortest > *previous);
        }
        previous = shortest;
        shortest_total += *shortest;
        longest_total += *longest;
    }
    CHECK(retries == 5);
    CHECK(busy_store_backoff(0, 0.5) == std::chrono::milliseconds(250));
    // Long enough for another nix-store to open the database, short beside a push.
    CHECK(shortest_total >= std::chrono::seconds(3));
    CHECK(longest_total <= std::chrono::seconds(12));
}
