#pragma once

#include "io/fd.hpp"
#include "ssh/connect_options.hpp"
#include "ssh/forwarder.hpp"
#include "ssh/forwarding_loop.hpp"
#include "ssh/library.hpp"
#include "ssh/remote_forwarding.hpp"
#include "ssh/session.hpp"

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace shoal::ssh {

// How one command opens its SSH connections: libssh2's setup, and the
// bastions it has logged in to, each once, shared by every host behind it
// (as OpenSSH's ProxyJump, but one bastion session for a whole fleet).
// Thread-safe.
class Connector {
public:
    const Library& library() const { return library_; }

    // A session to the host: libssh2's, through the bastions' shared
    // sessions, or with options.ssh_program the OpenSSH client's.
    std::unique_ptr<Session> open(const ConnectOptions& options);

    // A socket connected to options.address:port: a TCP connection, or a
    // tunnel through options.jump's bastions, first hop first. Throws
    // util::Error naming the host and, for a bastion's failure, the bastion;
    // a bastion that failed fails every later host behind it at once.
    io::UniqueFd connect(const ConnectOptions& options);

    // A session of its own to the host (through its bastions), to forward
    // connections to and from it; the host's other sessions are not touched.
    // It must not outlive this Connector, whose loop moves its bytes.
    std::unique_ptr<RemoteForwarding> forwarder(const ConnectOptions& options);

private:
    struct Hop {
        std::unique_ptr<Forwarder> host;
        std::exception_ptr failure; // why it could not be reached; the host is null then
    };
    Forwarder& hop(const std::vector<ConnectOptions>& chain, std::size_t index, Forwarder* through);

    Library library_; // first: destroyed after every session
    // Moves every forwarder's bytes, the hops' and those handed out by
    // forwarder(); outlives them all.
    ForwardingLoop forwarding_loop_;
    std::mutex mutex_;
    std::map<std::string, Hop> hops_; // by chain: "a > b" for b reached through a
};

} // namespace shoal::ssh
