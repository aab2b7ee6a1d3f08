#pragma once

namespace shoal::ssh {

// libssh2's process-wide setup (libssh2_init / libssh2_exit). The caller owns
// exactly one and keeps it alive as long as any Session exists; sessions take
// it by reference to prove that.
class Library {
public:
    Library();
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

} // namespace shoal::ssh
