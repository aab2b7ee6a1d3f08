#include "plan/path_catalog.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::plan {

PathId PathCatalog::add(const std::string& name, std::uint64_t nar_size) {
    const auto [it, inserted] = ids_.try_emplace(name, static_cast<PathId>(names_.size()));
    if (inserted) {
        names_.push_back(name);
        sizes_.push_back(nar_size);
    } else if (sizes_[it->second] != nar_size) {
        throw util::Error(fmt::format("store path {} has two NAR sizes: {} and {} bytes", name,
                                      sizes_[it->second], nar_size));
    }
    return it->second;
}

std::optional<PathId> PathCatalog::find(const std::string& name) const {
    const auto it = ids_.find(name);
    return it == ids_.end() ? std::nullopt : std::optional<PathId>(it->second);
}

} // namespace shoal::plan
