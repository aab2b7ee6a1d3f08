#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shoal::nix {

// What a store knows about one of its paths (Nix's ValidPathInfo, as the
// serve protocol carries it). Paths are full /nix/store/... paths.
struct PathInfo {
    std::string path;
    std::string deriver; // empty if unknown
    std::vector<std::string> references;
    std::uint64_t download_size = 0;
    std::uint64_t nar_size = 0;
    std::string nar_hash; // "sha256:<nixbase32>"
    std::string ca;       // content address, empty for input-addressed paths
    std::vector<std::string> sigs;
};

} // namespace shoal::nix
