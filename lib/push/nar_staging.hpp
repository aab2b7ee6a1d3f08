#pragma once

#include "nix/local_store.hpp"
#include "nix/nar_file.hpp"
#include "nix/path_info.hpp"
#include "push/nar_cache.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
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
// The NARs are dumped by `dumpers` threads at once (at least one; fewer if
// fewer NARs need it), each through a connection of its own that
// `open_store` opens: hashing and compressing take a core each.
using LocalStoreOpener = std::function<std::unique_ptr<nix::LocalStore>()>;
std::size_t stage_nars(const LocalStoreOpener& open_store, std::size_t dumpers,
                       const std::vector<nix::PathInfo>& paths,
                       const std::filesystem::path& directory, nix::NarCompression compression,
                       NarCache& cache);

} // namespace shoal::push
