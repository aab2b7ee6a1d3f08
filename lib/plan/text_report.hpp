#pragma once

#include "plan/plan.hpp"
#include "plan/simulator.hpp"

#include <string>

namespace shoal::plan {

// A summary (hosts, bytes, depth, link bytes, the swarm push's estimate as
// setup plus transfer, the transfer against a direct push), then
// the tree by site, rack and wave with host names folded into ranges, so a
// plan for thousands of hosts stays a few screens long.
std::string plan_text(const Plan& plan);

// Predicted completion per wave and in total.
std::string simulation_text(const Plan& plan, const SimulationResult& result);

} // namespace shoal::plan
