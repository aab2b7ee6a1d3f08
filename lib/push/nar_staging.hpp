#pragma once

#include "nix/path_info.hpp"
#include "nix/serve_connection.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace shoal::push {

// The file name a path's NAR has in the staging directory and the torrent:
// the store path's base name plus ".nar", unique and readable.
std::string nar_file_name(const std::string& store_path);

// Dumps the NAR of each path into `directory` (made 0700 if missing),
// checking it against the path's narHash on the way. Files are written under
// a temporary name and renamed when verified, so a file with the final name
// is always complete: a rerun keeps those and dumps only the rest. Anything
// else in `directory` is removed: it is to hold exactly these NARs.
void stage_nars(nix::ServeConnection& local_store, const std::vector<nix::PathInfo>& paths,
                const std::filesystem::path& directory);

} // namespace shoal::push
