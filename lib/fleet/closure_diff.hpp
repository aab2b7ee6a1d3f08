#pragma once

#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"

#include <cstdint>
#include <vector>

namespace shoal::fleet {

// What one target lacks of the closure it should have.
struct ClosureDiff {
    std::vector<nix::PathInfo> missing; // dependencies first
    std::uint64_t missing_bytes = 0;    // NAR bytes
};

// Whether the target's nix-store, in the same round trip, holds temporary GC
// roots for the whole closure until the connection closes.
enum class Pin { no, yes };

// One QueryValidPaths round trip, as nix-copy-closure does it. With
// `substitute`, the target first fetches what its own substituters have.
ClosureDiff diff_closure(nix::ServeConnection& target, const std::vector<nix::PathInfo>& closure,
                         bool substitute, Pin pin);

} // namespace shoal::fleet
