#pragma once

#include "plan/plan.hpp"

#include <cstddef>
#include <vector>

namespace shoal::push {

// Whom each planned host's agent connects to: its parents in the plan (the
// deployer is plan::source_node) and its siblings, the hosts fed by the same
// tree parent. Parents carry the bytes down the tree; siblings swap the
// pieces each got first, which is what lets a parent's uplink feed all its
// children at once instead of splitting it among them. Each pair appears
// once (the lower index connects), since a BitTorrent connection carries
// data both ways.
std::vector<std::vector<std::size_t>> swarm_peers(const plan::Plan& plan);

} // namespace shoal::push
