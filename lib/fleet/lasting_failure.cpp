#include "fleet/lasting_failure.hpp"

#include "ssh/error.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace shoal::fleet {

std::optional<std::string> lasting_failure(const std::exception& failure) {
    // Their messages name the file or key to fix.
    if (dynamic_cast<const ssh::HostKeyError*>(&failure) != nullptr) {
        return "its host key is refused";
    }
    if (dynamic_cast<const ssh::AuthenticationError*>(&failure) != nullptr) {
        return "it refuses our credentials";
    }
    // The host's nix-store, agent or libtorrent reports a full disk as text:
    // strerror's words in the C locale (a host that translates them only gets
    // a direct copy that fails again).
    const std::string_view message = failure.what();
    for (const int error : std::array{ENOSPC, EDQUOT}) {
        if (message.find(std::strerror(error)) != std::string_view::npos) {
            return "no space left on the host: free some there (nix-collect-garbage) or give "
                   "--remote-staging a roomier file system, then push again";
        }
    }
    return std::nullopt;
}

} // namespace shoal::fleet
