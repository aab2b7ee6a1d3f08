#pragma once

#include "nix/nar_file.hpp"
#include "nix/path_info.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shoal::push {

// What the deployer's NAR cache may hold unless told otherwise: about four
// compressed system closures.
inline constexpr std::uint64_t default_nar_cache_bytes = std::uint64_t{10} << 30;

// The NAR cache of the staging directory `staging` (push's --staging).
std::filesystem::path nar_cache_directory(const std::filesystem::path& staging);

// What the cache holds of one NAR, as the eviction rule sees it.
struct CachedNar {
    std::string name;
    std::uint64_t size = 0;
    std::filesystem::file_time_type last_used;
};

// The cached NARs to remove so that the rest fit in `max_bytes`: the least
// recently used first (ties by name), never one in `in_use`, however far
// over the limit those alone go.
std::vector<std::string> nars_to_evict(std::vector<CachedNar> cached, std::uint64_t max_bytes,
                                       const std::set<std::string>& in_use);

// Whether `file` is a complete staged NAR of `info`, stored as `compression`:
// its size, or the size its zstd frame declares, is the NAR's. Files get
// their final name only once their NAR hash was checked; this guards against
// a file cut or changed since.
bool holds_staged_nar(const std::filesystem::path& file, const nix::PathInfo& info,
                      nix::NarCompression compression);

// The deployer's staged NARs kept across pushes and closures, named by NAR
// hash, so that a path rebuilt with other contents never matches: a push
// whose closure shares paths with an earlier one links their staged (and
// compressed) files instead of dumping and compressing them again. Files are
// hard links, so a push's staging directory and the cache share their bytes.
// Once the cache holds more than its limit, the least recently used files go.
class NarCache {
public:
    // `directory` is made (0700) when a first NAR is kept; a `max_bytes` of 0
    // keeps nothing. Looking up touches nothing.
    NarCache(std::filesystem::path directory, std::uint64_t max_bytes);

    // Links the cached NAR of `info` stored as `compression` to `file` (which
    // must not exist) and marks it used; false when the cache lacks it.
    bool take(const nix::PathInfo& info, nix::NarCompression compression,
              const std::filesystem::path& file);
    // The size of the cached file of `info` stored as `compression`, if the
    // cache holds it: what the swarm would carry.
    std::optional<std::uint64_t> staged_size(const nix::PathInfo& info,
                                             nix::NarCompression compression) const;
    // Keeps `file`, just staged and checked for `info`, for later pushes.
    void keep(const nix::PathInfo& info, nix::NarCompression compression,
              const std::filesystem::path& file);
    // Removes the least recently used files beyond the limit, sparing those
    // this push took or kept.
    void trim();

private:
    // The cache is on and its file `name` (cached_name's) is a complete NAR of `info`.
    bool holds(const std::string& name, const nix::PathInfo& info,
               nix::NarCompression compression) const;
    void mark_used(const std::string& name);
    // Disables the cache for the rest of the push, saying why once.
    void give_up(const std::string& what, const std::error_code& error);

    std::filesystem::path directory_;
    std::uint64_t max_bytes_;
    bool directory_made_ = false;
    std::set<std::string> used_;
};

} // namespace shoal::push
