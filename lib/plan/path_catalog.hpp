#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace shoal::plan {

// Store paths are interned as dense integer ids so that planning 10,000 hosts
// works on small sorted id vectors instead of strings.
using PathId = std::uint32_t;

// The NARs of one deployment: store path name and NAR size per id.
class PathCatalog {
public:
    // Interns a store path; the same name twice yields the same id. Throws
    // util::Error when the same path comes with two different sizes.
    PathId add(const std::string& name, std::uint64_t nar_size);

    std::size_t size() const { return names_.size(); }
    const std::string& name(PathId id) const { return names_.at(id); }
    std::uint64_t nar_size(PathId id) const { return sizes_.at(id); }
    const std::vector<std::uint64_t>& nar_sizes() const { return sizes_; }

private:
    std::vector<std::string> names_;
    std::vector<std::uint64_t> sizes_;
    std::unordered_map<std::string, PathId> ids_;
};

} // namespace shoal::plan
