#pragma once

#include "nix/nar_file.hpp"
#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace shoal::push {

// Dumps the NAR of each path into `directory` (made 0700 if missing) as
// nix::nar_file_name names it, compressed as asked, checking it against the
// path's narHash on the way. Files are written under
// a temporary name and renamed when verified, so a file with the final name
// is always complete: a rerun keeps those and dumps only the rest. Anything
// else in `directory` is removed: it is to hold exactly these NARs.
void stage_nars(nix::ServeConnection& local_store, const std::vector<nix::PathInfo>& paths,
                const std::filesystem::path& directory, nix::NarCompression compression);

} // namespace shoal::push
