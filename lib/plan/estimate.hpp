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
// where edge(p, h) = min(link(h), what p offers, the declared uplinks of the
// sites it crosses): the deployer offers its link; a parent in h's own zone
// offers the rate at which the zone's entry receives, as the zone trades
// pieces as a mesh (see mesh_peers.hpp); any other parent p offers an equal
// share of its link per child outside its zone, at most rate(p). Its own
// zone costs it nothing, as the swarm serves plan children first and the
// zone's other hosts take over the in-zone uploads. mean_piece(h) is the mean size of the pieces h
// receives (pieces never span two paths, so small paths make small pieces). The estimate is the
// largest T(h); with equal links B, S bytes in M pieces and depth D it is (S/B)(1 + D/M), the
// pipelined bound, with D ~ log_K(N). The swarm takes at least as long as each declared site uplink
// needs for the plan's bytes into the site, and for those out of it.
//
// Direct: the deployer pushes every host's missing bytes itself, all hosts at
// once, its uplink shared max-min fairly and each host capped by its own link
// (water-filling, replayed at each host's completion).
Estimate estimate(const Plan& plan);

} // namespace shoal::plan
