#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shoal::ssh {

// A connection to a host that can have the host listen for us (ssh -R).
class RemoteForwarding {
public:
    virtual ~RemoteForwarding() = default;

    // Has the host listen on 127.0.0.1, on a port it picks, and connects
    // each connection made there to address:port on this machine (ssh -R
    // 0:address:port). Returns the host's port. Thread-safe; throws
    // util::Error naming the host when it refuses (sshd's
    // AllowTcpForwarding) or does not answer within `timeout`.
    virtual std::uint16_t forward_remote(const std::string& address, std::uint16_t port,
                                         std::chrono::milliseconds timeout) = 0;
};

} // namespace shoal::ssh
