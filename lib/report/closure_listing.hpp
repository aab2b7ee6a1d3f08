#pragma once

#include "nix/path_info.hpp"

#include <ostream>
#include <vector>

namespace shoal::report {

// One "PATH<TAB>NAR SIZE<TAB>NAR HASH" line per path, then the totals.
void write_closure_text(std::ostream& out, const std::vector<nix::PathInfo>& closure);

// {"paths": [...], "total_paths": N, "total_nar_bytes": B}, indented.
void write_closure_json(std::ostream& out, const std::vector<nix::PathInfo>& closure);

} // namespace shoal::report
