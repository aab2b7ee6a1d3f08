#pragma once

#include "plan/plan.hpp"
#include "plan/simulator.hpp"

#include <nlohmann/json.hpp>

namespace shoal::plan {

// The plan as documented in docs/plan-json.md.
nlohmann::json plan_json(const Plan& plan);

// {"piece_size", "pieces", "transfers", "source_egress_bytes",
//  "total_seconds", "waves": [{"wave", "seconds"}]}
nlohmann::json simulation_json(const SimulationResult& result);

} // namespace shoal::plan
