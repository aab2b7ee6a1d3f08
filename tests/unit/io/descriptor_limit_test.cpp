#include "io/descriptor_limit.hpp"

#include <doctest/doctest.h>

using shoal::io::soft_limit_for;

TEST_CASE("the soft limit on descriptors is raised only as far as needed") {
    CHECK(soft_limit_for(500, {1024, 4096}) == 1024);  // enough already
    CHECK(soft_limit_for(3000, {1024, 4096}) == 3000); // raised to what is needed
    CHECK(soft_limit_for(4096, {1024, 4096}) == 4096);
    CHECK_FALSE(soft_limit_for(5000, {1024, 4096})); // only root could raise the hard limit
}
