#pragma once

#include "inventory/host.hpp"
#include "inventory/local_user.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::inventory {

// A fleet as an inventory file describes it.
struct Inventory {
    std::string file;
    std::vector<Host> hosts;         // in file order; ranges in their own order
    std::vector<std::string> groups; // the names under `groups:`, in file order
};

// Reads and checks the inventory at `path`, as the current user. Every
// mistake throws an InventoryError naming FILE:LINE:COLUMN and the key or
// value at fault (only an unreadable file has no line).
Inventory load_inventory(const std::string& path);

// The same on text already read: `file_name` appears in errors and
// Inventory::file, relative paths start at `base_dir`, and hosts without a
// user get `local_user`'s name, '~' its home.
Inventory parse_inventory(std::string_view yaml_text, const std::string& file_name,
                          const std::filesystem::path& base_dir, const LocalUser& local_user);

} // namespace shoal::inventory
