#include "inventory/local_user.hpp"

#include "util/error.hpp"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace shoal::inventory {

LocalUser current_local_user() {
    LocalUser user;
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
        user.name = entry.pw_name;
        user.home = entry.pw_dir;
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        user.home = home;
    }
    if (user.name.empty()) {
        if (const char* name = std::getenv("USER"); name && *name) {
            user.name = name;
        }
    }
    if (user.name.empty() || user.home.empty()) {
        throw util::Error("cannot tell the current user's name and home directory (user id " +
                          std::to_string(geteuid()) + " has no password entry; set USER and HOME)");
    }
    return user;
}

} // namespace shoal::inventory
