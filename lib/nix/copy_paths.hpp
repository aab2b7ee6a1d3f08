#pragma once

#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"

#include <cstdint>
#include <vector>

namespace shoal::nix {

// Copies the given paths from one store to another, in the given order
// (dependencies first; see topological_order), streaming each NAR straight
// from `from`'s DumpStorePath into `to`'s AddToStoreNar. `to` verifies each
// NAR against info.nar_hash and nar_size. Returns the NAR bytes copied.
std::uint64_t copy_paths(ServeConnection& from, ServeConnection& to,
                         const std::vector<PathInfo>& infos);

} // namespace shoal::nix
