#pragma once

#include "util/error.hpp"

namespace shoal::ssh {

// The host's key is unknown (and may not be added) or differs from known_hosts.
class HostKeyError : public util::Error {
public:
    using util::Error::Error;
};

// The server accepted none of the keys we could offer.
class AuthenticationError : public util::Error {
public:
    using util::Error::Error;
};

} // namespace shoal::ssh
