#pragma once

#include "nix/path_info.hpp"

#include <string>
#include <vector>

namespace shoal::nix {

// Orders `infos` so that every path comes after the paths it references
// (dependencies first), the order in which a store can import them. Ties go
// by path name, so the order is deterministic. References to paths outside
// `infos` and self-references are ignored; a reference cycle throws
// util::Error naming the paths on it.
std::vector<PathInfo> topological_order(std::vector<PathInfo> infos);

// The store path a user means by `argument`: a store path, a file inside one
// (/nix/store/...-foo/bin/foo), or a symlink (chain) to one, like ./result.
// Throws util::UsageError if it leads outside the store. Does not check that
// the store has the path.
std::string resolve_store_path(const std::string& argument);

} // namespace shoal::nix
