#pragma once

#include "plan/plan.hpp"

#include <string>

namespace shoal::plan {

// Graphviz source: one cluster per site holding one per rack, an edge per
// parent labelled with its bytes; extra (non-tree) parents are dashed.
std::string plan_dot(const Plan& plan);

} // namespace shoal::plan
