#pragma once

#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"

#include <set>
#include <string>
#include <vector>

namespace shoal::nix {

// Orders `infos` so that every path comes after the paths it references
// (dependencies first), the order in which a store can import them. Ties go
// by path name, so the order is deterministic. References to paths outside
// `infos` and self-references are ignored; a reference cycle throws
// util::Error naming the paths on it.
std::vector<PathInfo> topological_order(std::vector<PathInfo> infos);

// The closure of `roots` in `store`, dependencies first, with every path's
// info. Throws util::UsageError for a root the store does not have.
std::vector<PathInfo> read_closure(ServeConnection& store, const std::set<std::string>& roots);

// The store path a user means by `argument`: a store path, a file inside one
// (/nix/store/...-foo/bin/foo), or a symlink (chain) to one, like ./result.
// Throws util::UsageError if it leads outside the store. Does not check that
// the store has the path.
std::string resolve_store_path(const std::string& argument);

} // namespace shoal::nix
