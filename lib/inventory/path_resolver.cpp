#include "inventory/path_resolver.hpp"

#include "inventory/invalid_value.hpp"

#include <fmt/format.h>

namespace shoal::inventory {

PathResolver::PathResolver(std::filesystem::path base_dir, std::filesystem::path home)
    : base_dir_(std::move(base_dir)), home_(std::move(home)) {}

std::string PathResolver::resolve(std::string_view path) const {
    if (path.empty()) {
        throw InvalidValue("path is empty");
    }
    std::filesystem::path resolved;
    if (path == "~") {
        resolved = home_;
    } else if (path.starts_with("~/")) {
        resolved = home_ / path.substr(2);
    } else if (path.starts_with('~')) {
        throw InvalidValue(
            fmt::format("path '{}': only '~' and '~/...' are expanded, not '~user'", path));
    } else {
        resolved = base_dir_ / path; // an absolute `path` replaces base_dir_
    }
    return resolved.lexically_normal().string();
}

} // namespace shoal::inventory
