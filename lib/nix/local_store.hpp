#pragma once

#include "io/child_process.hpp"
#include "nix/serve_connection.hpp"

#include <string>
#include <vector>

namespace shoal::nix {

// A serve connection to this machine's Nix store: runs
// `<program> --serve --write <extra_args...>` (e.g. extra_args
// {"--store", "/tmp/x"} for a chroot store) and shakes hands with it.
class LocalStore {
public:
    explicit LocalStore(const std::vector<std::string>& extra_args = {},
                        const std::string& program = "nix-store");

    ServeConnection& connection() { return connection_; }

private:
    io::ChildProcess process_;
    ServeConnection connection_;
};

} // namespace shoal::nix
