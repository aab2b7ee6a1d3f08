#pragma once

#include "plan/plan.hpp"

namespace shoal::plan {

// Closed-form completion times of a plan (no simulation).
//
// Swarm: pieces flow on while a wave is still receiving, so a host finishes
// its bytes' streaming time after the start, plus one piece time per hop:
//     T(h) = stream(h) + latency(h)
//     stream(h) = max(received(h) / link(h), share(p) / edge(p, h) for each parent p)
//     latency(h) = max over parents p of latency(p) + mean_piece(h) / edge(p, h)
//     rate(h) = received(h) / stream(h)
// where edge(p, h) = min(link(h), what p offers): the deployer offers its
// link; a parent in h's own rack offers the rate at which the rack's entry
// receives, as the rack trades pieces as a mesh (see rack_mesh.hpp); any
// other parent p offers an equal share of its link per child outside its
// rack, at most rate(p). Its own rack costs it nothing, as the swarm serves
// plan children first and the rack's other hosts take over the in-rack
// uploads. mean_piece(h) is the mean size of the pieces h receives (pieces
// never span two paths, so small paths make small pieces). The estimate is
// the largest T(h); with equal links B, S bytes in M pieces and depth D it is
// (S/B)(1 + D/M), the pipelined bound, with D ~ log_K(N).
//
// Direct: the deployer pushes every host's missing bytes itself, all hosts at
// once, its uplink shared max-min fairly and each host capped by its own link
// (water-filling, replayed at each host's completion).
Estimate estimate(const Plan& plan);

} // namespace shoal::plan
