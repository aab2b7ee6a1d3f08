#pragma once

#include "plan/fleet.hpp"
#include "plan/plan.hpp"
#include "plan/plan_options.hpp"

#include <cstdint>

namespace shoal::plan {

// Builds the fan-out plan (see docs/planning.md). Pure computation: about
// O(N log N + paths) for fleets with identical needs; differing needs add set
// operations on interned path sets, cached per pair of distinct sets.
// Throws util::UsageError for a fanout below 3, a zero bandwidth, or a path
// id outside the catalog.
Plan make_plan(const Fleet& fleet, const PlanOptions& options);

} // namespace shoal::plan
