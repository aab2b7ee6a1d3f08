#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace shoal::plan {

// Store paths are interned as dense integer ids so that planning 10,000 hosts
// works on small sorted id vectors instead of strings.
using PathId = std::uint32_t;

// The NARs of one deployment: store path name and, per id, the bytes the
// swarm carries for it: its NAR size, or the size of its staged file once
// known (a compressed NAR in the deployer's cache).
class PathCatalog {
public:
    // Interns a store path; the same name twice yields the same id. Throws
    // util::Error when the same path comes with two different sizes.
    PathId add(const std::string& name, std::uint64_t nar_size);
    // The path carried as `bytes` instead; after the last add.
    void set_transfer_size(PathId id, std::uint64_t bytes) { sizes_.at(id) = bytes; }

    std::size_t size() const { return names_.size(); }
    std::optional<PathId> find(const std::string& name) const;
    const std::string& name(PathId id) const { return names_.at(id); }
    const std::vector<std::uint64_t>& transfer_sizes() const { return sizes_; }

private:
    std::vector<std::string> names_;
    std::vector<std::uint64_t> sizes_;
    std::unordered_map<std::string, PathId> ids_;
};

} // namespace shoal::plan
