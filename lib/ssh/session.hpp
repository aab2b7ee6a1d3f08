#pragma once

#include "ssh/channel.hpp"
#include "ssh/connect_options.hpp"

#include <memory>
#include <string>

namespace shoal::ssh {

// One authenticated connection to one host, on which commands run each on a
// channel of its own: libssh2's, in this process (Libssh2Session), or the
// system's OpenSSH client's (OpenSshSession), for keys and settings libssh2
// cannot use. Connector::open picks one by ConnectOptions::ssh_program.
// Use from one thread at a time; different sessions may run in parallel.
class Session {
public:
    virtual ~Session() = default;

    virtual const ConnectOptions& options() const = 0;
    // "user@address:port", to start messages with.
    virtual const std::string& destination() const = 0;

    // Starts `command`, a POSIX shell command line (through `sudo -n` when
    // options().sudo), on a channel of its own. Throws util::Error naming
    // the host and the command when it cannot start.
    virtual std::unique_ptr<Channel> start(std::string command) = 0;

    // For an event loop: sends a keepalive when one is due and the
    // connection takes it; returns the seconds until the next is due.
    virtual int keepalive() = 0;
};

} // namespace shoal::ssh
