#pragma once

#include "inventory/host.hpp"
#include "inventory/local_user.hpp"

#include <filesystem>
#include <optional>
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

// Which OpenSSH client configuration fills in what the inventory leaves out
// (HostName, User, Port, IdentityFile, ProxyJump, ...): `file` (ssh -F) if
// set, else the inventory's `ssh_config:`, else, with `user_default`,
// ~/.ssh/config and /etc/ssh/ssh_config as ssh reads them.
struct SshConfigChoice {
    std::optional<std::string> file;
    bool user_default = true;
};

// Reads and checks the inventory at `path`, as the current user. Every
// mistake throws an InventoryError naming FILE:LINE:COLUMN and the key or
// value at fault (only an unreadable file has no line); one in an ssh_config
// file, a util::UsageError naming its FILE:LINE.
Inventory load_inventory(const std::string& path, const SshConfigChoice& ssh_config = {});

// The same on text already read: `file_name` appears in errors and
// Inventory::file, relative paths start at `base_dir`, and hosts without a
// user get `local_user`'s name, '~' its home. Reads no ssh_config the
// inventory does not name unless told to.
Inventory parse_inventory(std::string_view yaml_text, const std::string& file_name,
                          const std::filesystem::path& base_dir, const LocalUser& local_user,
                          const SshConfigChoice& ssh_config = {std::nullopt, false});

} // namespace shoal::inventory
