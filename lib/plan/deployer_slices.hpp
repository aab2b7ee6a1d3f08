#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::plan {

// Enough TCP streams to fill the deployer's uplink though each needs only a
// share of it; few enough that its slice sessions stay cheap.
inline constexpr std::size_t max_deployer_slices = 8;

// The hosts that fetch a slice of the deployer each (push::slice_pieces):
// the tree's roots, then hosts of their zones, rack-mates first. The
// deployer's bytes enter each zone as they would through the tree, but spread
// over several hosts, none of which has to pass everything on by itself, and
// every byte still leaves the deployer once.
std::vector<std::size_t> deployer_slice_hosts(const Plan& plan);

} // namespace shoal::plan
