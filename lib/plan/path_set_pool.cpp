#include "plan/path_set_pool.hpp"

#include <algorithm>
#include <iterator>

namespace shoal::plan {

PathSetPool::PathSetPool(std::vector<std::uint64_t> path_sizes)
    : path_sizes_(std::move(path_sizes)) {
    intern({});
}

std::size_t PathSetPool::VectorHash::operator()(const std::vector<PathId>& paths) const {
    std::uint64_t hash = 1469598103934665603ULL; // FNV-1a over the ids
    for (const PathId path : paths) {
        hash = (hash ^ path) * 1099511628211ULL;
    }
    return static_cast<std::size_t>(hash);
}

PathSetId PathSetPool::intern(std::vector<PathId> paths) {
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    const auto found = ids_.find(paths);
    if (found != ids_.end()) {
        return found->second;
    }
    std::uint64_t total = 0;
    for (const PathId path : paths) {
        total += path_sizes_.at(path);
    }
    const auto id = static_cast<PathSetId>(sets_.size());
    sets_.push_back(paths);
    bytes_.push_back(total);
    ids_.emplace(std::move(paths), id);
    return id;
}

template <typename Merge>
PathSetId PathSetPool::cached(Operation operation, PathSetId a, PathSetId b, Merge merge) {
    // Set ids stay below 2^31 in any realistic fleet; two of them and the
    // operation fit one 64-bit key.
    const std::uint64_t key =
        (static_cast<std::uint64_t>(operation) << 62) | (static_cast<std::uint64_t>(a) << 31) | b;
    const auto found = results_.find(key);
    if (found != results_.end()) {
        return found->second;
    }
    std::vector<PathId> result;
    merge(sets_[a], sets_[b], std::back_inserter(result));
    const PathSetId id = intern(std::move(result));
    results_.emplace(key, id);
    return id;
}

PathSetId PathSetPool::unite(PathSetId a, PathSetId b) {
    if (a == b || b == empty_set) {
        return a;
    }
    return cached(Operation::unite, a, b, [](const auto& x, const auto& y, auto out) {
        std::set_union(x.begin(), x.end(), y.begin(), y.end(), out);
    });
}

PathSetId PathSetPool::intersect(PathSetId a, PathSetId b) {
    if (a == b) {
        return a;
    }
    return cached(Operation::intersect, a, b, [](const auto& x, const auto& y, auto out) {
        std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), out);
    });
}

PathSetId PathSetPool::subtract(PathSetId a, PathSetId b) {
    if (a == b) {
        return empty_set;
    }
    return cached(Operation::subtract, a, b, [](const auto& x, const auto& y, auto out) {
        std::set_difference(x.begin(), x.end(), y.begin(), y.end(), out);
    });
}

} // namespace shoal::plan
