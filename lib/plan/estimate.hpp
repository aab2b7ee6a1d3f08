#pragma once

#include "plan/plan.hpp"

namespace shoal::plan {

// Closed-form completion times of a plan (no simulation).
//
// Swarm: pieces flow on while a wave is still receiving, so a host finishes
// one piece time per wave after its bytes have streamed in:
//     T(h) = stream(h) + wave(h) * piece_size / rate(h)
//     stream(h) = max(received(h) / link(h), share(p) / min(link(h), edge(p)) for each parent p)
//     rate(h) = received(h) / stream(h)
// edge(@source) is the deployer's link. A parent in h's own rack does not
// divide its link: the rack trades pieces as a mesh (see rack_mesh.hpp) at
// the rate its entry receives them. Any other parent p gives each of its
// streams an equal share, at most rate(p): one stream per child outside its
// rack, plus one for its own rack. The estimate is the largest T(h); with
// equal links B and M pieces it is (S/B)(1 + depth/M), the pipelined bound.
//
// Direct: the deployer pushes every host's missing bytes itself, all hosts at
// once, its uplink shared max-min fairly and each host capped by its own link
// (water-filling, replayed at each host's completion).
Estimate estimate(const Plan& plan);

} // namespace shoal::plan
