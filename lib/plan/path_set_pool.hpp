#pragma once

#include "plan/path_catalog.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace shoal::plan {

using PathSetId = std::uint32_t;

// Interns sets of paths (sorted id vectors) so that hosts with identical
// needs share one set, and caches set algebra by id pair: a fleet of 10,000
// hosts usually has a handful of distinct sets, so almost every operation is
// a hash lookup.
class PathSetPool {
public:
    static constexpr PathSetId empty_set = 0;

    explicit PathSetPool(std::vector<std::uint64_t> path_sizes);

    // Sorts and deduplicates `paths`, then returns the id of that set.
    PathSetId intern(std::vector<PathId> paths);

    const std::vector<PathId>& paths(PathSetId set) const { return sets_[set]; }
    std::uint64_t bytes(PathSetId set) const { return bytes_[set]; }
    std::uint64_t path_bytes(PathId path) const { return path_sizes_[path]; }
    std::size_t path_count() const { return path_sizes_.size(); }

    PathSetId unite(PathSetId a, PathSetId b);
    PathSetId intersect(PathSetId a, PathSetId b);
    PathSetId subtract(PathSetId a, PathSetId b);

private:
    enum class Operation : std::uint64_t { unite, intersect, subtract };
    template <typename Merge>
    PathSetId cached(Operation operation, PathSetId a, PathSetId b, Merge merge);

    struct VectorHash {
        std::size_t operator()(const std::vector<PathId>& paths) const;
    };

    std::vector<std::uint64_t> path_sizes_;
    std::vector<std::vector<PathId>> sets_;
    std::vector<std::uint64_t> bytes_;
    std::unordered_map<std::vector<PathId>, PathSetId, VectorHash> ids_;
    std::unordered_map<std::uint64_t, PathSetId> results_;
};

} // namespace shoal::plan
