#include "push/source_tunnels.hpp"

#include <doctest/doctest.h>

using shoal::push::through_tunnels;
using shoal::swarm::Endpoint;

TEST_CASE("a tunnelled host reaches each of the deployer's slices through its own tunnel") {
    const std::vector<Endpoint> sources{{"127.0.0.1", 7400}, {"127.0.0.1", 7401}};
    const std::vector<Endpoint> tunnels{{"127.0.0.1", 40001}, {"127.0.0.1", 40002}};
    const Endpoint peer{"10.0.0.7", 7400};
    CHECK(through_tunnels({sources[1], peer}, sources, tunnels) ==
          std::vector<Endpoint>{tunnels[1], peer});
    CHECK(through_tunnels({sources[0], sources[1]}, sources, tunnels) == tunnels);
    // Hosts' own endpoints pass as they are, even on the same port as a slice.
    CHECK(through_tunnels({peer}, sources, tunnels) == std::vector<Endpoint>{peer});
}

TEST_CASE("a host without tunnels is not given the deployer's slices at all") {
    const std::vector<Endpoint> sources{{"127.0.0.1", 7400}};
    const Endpoint peer{"10.0.0.7", 7400};
    CHECK(through_tunnels({sources[0], peer}, sources, {}) == std::vector<Endpoint>{peer});
    CHECK(through_tunnels({sources[0]}, sources, {}).empty());
}
