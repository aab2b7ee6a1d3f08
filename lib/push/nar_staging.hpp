#pragma once

#include "nix/nar_file.hpp"
#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"
#include "push/nar_cache.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace shoal::push {

// Dumps the NAR of each path into `directory` (made 0700 if missing) as
// nix::nar_file_name names it, compressed as asked, checking it against the
// path's narHash on the way. Files are written under
// a temporary name and renamed once verified and on disk (one sync for them
// all), so a file with the final name is always complete: a rerun keeps
// those, links what `cache` has from earlier pushes, and dumps only the rest
// (which the cache then keeps).
// Anything else in `directory` is removed: it is to hold exactly these NARs.
// Returns how many NARs were not dumped again.
std::size_t stage_nars(nix::ServeConnection& local_store, const std::vector<nix::PathInfo>& paths,
                       const std::filesystem::path& directory, nix::NarCompression compression,
                       NarCache& cache);

} // namespace shoal::push
