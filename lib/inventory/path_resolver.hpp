#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace shoal::inventory {

// Turns a path written in an inventory into an absolute one: "~" and "~/..."
// start at the home directory, relative paths at the inventory's directory.
class PathResolver {
public:
    PathResolver(std::filesystem::path base_dir, std::filesystem::path home);

    // Throws InvalidValue for an empty path or "~user/..." (not supported).
    std::string resolve(std::string_view path) const;

private:
    std::filesystem::path base_dir_;
    std::filesystem::path home_;
};

} // namespace shoal::inventory
