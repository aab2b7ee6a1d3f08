#pragma once

#include "inventory/host.hpp"
#include "nix/path_info.hpp"
#include "plan/fleet.hpp"

#include <vector>

namespace shoal::push {

// Adds one host and the paths it lacks to the planner's input: the one
// place where inventory hosts and store paths become plan data.
void add_to_plan(plan::Fleet& fleet, const inventory::Host& host,
                 const std::vector<nix::PathInfo>& missing);

} // namespace shoal::push
