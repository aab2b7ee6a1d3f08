#pragma once

#include <string>

namespace shoal::inventory {

// The user running shoal: the ssh user name and '~' of hosts that set neither.
struct LocalUser {
    std::string name;
    std::string home;
};

// Like ssh: the name from the password database, the home from $HOME (else
// the database). Throws util::Error when neither source knows.
LocalUser current_local_user();

} // namespace shoal::inventory
