#include "ssh/library.hpp"

#include "util/error.hpp"

#include <libssh2.h>

namespace shoal::ssh {

Library::Library() {
    if (const int rc = libssh2_init(0); rc != 0) {
        throw util::Error("cannot initialise libssh2 (error " + std::to_string(rc) + ")");
    }
}

Library::~Library() {
    libssh2_exit();
}

} // namespace shoal::ssh
