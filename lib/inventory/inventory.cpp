#include "inventory/inventory.hpp"

#include "inventory/inventory_error.hpp"
#include "inventory/inventory_parser.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace shoal::inventory {

Inventory load_inventory(const std::string& path, const SshConfigChoice& ssh_config) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        throw InventoryError({path}, "cannot read inventory: it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InventoryError({path}, std::string("cannot read inventory: ") + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw InventoryError({path}, std::string("cannot read inventory: ") + std::strerror(errno));
    }
    // Without a current directory, a relative path can only resolve against the path as given.
    auto base_dir = std::filesystem::absolute(path, error).parent_path();
    if (error) {
        base_dir = std::filesystem::path(path).parent_path();
    }
    return parse_inventory(text.str(), path, base_dir, current_local_user(), ssh_config);
}

Inventory parse_inventory(std::string_view yaml_text, const std::string& file_name,
                          const std::filesystem::path& base_dir, const LocalUser& local_user,
                          const SshConfigChoice& ssh_config) {
    return InventoryParser(file_name, base_dir, local_user, ssh_config).parse(yaml_text);
}

} // namespace shoal::inventory
