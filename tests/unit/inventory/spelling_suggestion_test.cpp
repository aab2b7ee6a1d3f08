#include "inventory/spelling_suggestion.hpp"

#include <doctest/doctest.h>
#include <vector>

using shoal::inventory::closest_spelling;
using shoal::inventory::did_you_mean;

TEST_CASE("a typo is matched to the closest candidate") {
    const std::vector<std::string> keys{"address", "port", "user", "known_hosts", "swarm_port"};
    CHECK(closest_spelling("adress", keys) == "address");   // deletion
    CHECK(closest_spelling("addresss", keys) == "address"); // insertion
    CHECK(closest_spelling("prot", keys) == "port");        // swapped neighbours
    CHECK(closest_spelling("Port", keys) == "port");        // case
    CHECK(closest_spelling("knwon_host", keys) == "known_hosts");
    CHECK(closest_spelling("swarmport", keys) == "swarm_port");
}

TEST_CASE("words too far from every candidate get no suggestion") {
    const std::vector<std::string> keys{"address", "port"};
    CHECK_FALSE(closest_spelling("bandwidth", keys));
    CHECK_FALSE(closest_spelling("ab", keys));
    CHECK_FALSE(closest_spelling("x", std::vector<std::string>{}));
    CHECK(did_you_mean("colour", keys).empty());
}

TEST_CASE("did_you_mean phrases the suggestion for an error message") {
    const std::vector<std::string> groups{"web", "db"};
    CHECK(did_you_mean("wbe", groups) == " (did you mean 'web'?)");
}
