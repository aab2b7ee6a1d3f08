#include "ssh/connector.hpp"

#include "io/fibers.hpp"
#include "ssh/error.hpp"
#include "ssh/libssh2_session.hpp"
#include "ssh/openssh_session.hpp"
#include "ssh/tcp_connect.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::ssh {

std::unique_ptr<Session> Connector::open(const ConnectOptions& options) {
    if (options.ssh_program.empty()) {
        return std::make_unique<Libssh2Session>(*this, options);
    }
    return std::make_unique<OpenSshSession>(options);
}

io::UniqueFd Connector::connect(const ConnectOptions& options) {
    options.validate();
    try {
        if (options.jump.empty()) {
            return tcp_connect(options.address, options.port, options.connect_timeout);
        }
        Forwarder* through = nullptr;
        for (std::size_t index = 0; index < options.jump.size(); ++index) {
            through = &hop(options.jump, index, through);
        }
        return through->open_tunnel(options.address, options.port, options.connect_timeout);
    } catch (const HostKeyError& e) {
        throw HostKeyError(fmt::format("{}: {}", options.destination(), e.what()));
    } catch (const util::Error& e) {
        throw util::Error(fmt::format("{}: {}", options.destination(), e.what()));
    }
}

std::unique_ptr<RemoteForwarding> Connector::forwarder(const ConnectOptions& options) {
    if (!options.ssh_program.empty()) {
        return std::make_unique<OpenSshSession>(options);
    }
    auto socket = connect(options);
    try {
        return std::make_unique<Forwarder>(library_, forwarding_loop_, options, std::move(socket),
                                           "host");
    } catch (const HostKeyError&) {
        throw;
    } catch (const util::Error& e) {
        throw util::Error(fmt::format("a second connection, for forwarding: {}", e.what()));
    }
}

Forwarder& Connector::hop(const std::vector<ConnectOptions>& chain, std::size_t index,
                          Forwarder* through) {
    std::string key;
    for (std::size_t i = 0; i <= index; ++i) {
        key += (i == 0 ? "" : " > ") + chain[i].destination();
    }
    // Held while logging in: every host behind a new bastion waits for that one login.
    // Taken cooperatively: the login may run on a fiber of this very thread.
    io::lock_cooperatively(mutex_);
    const std::lock_guard lock(mutex_, std::adopt_lock);
    auto& hop = hops_[key];
    if (hop.host) {
        return *hop.host;
    }
    if (hop.failure) {
        std::rethrow_exception(hop.failure);
    }
    const auto& options = chain[index];
    try {
        auto socket =
            through != nullptr
                ? through->open_tunnel(options.address, options.port, options.connect_timeout)
                : tcp_connect(options.address, options.port, options.connect_timeout);
        hop.host = std::make_unique<Forwarder>(library_, forwarding_loop_, options,
                                               std::move(socket), "bastion");
        return *hop.host;
    } catch (const util::Error& e) {
        // A session's own errors start with the destination already.
        const std::string what = e.what();
        const auto message = what.starts_with(options.destination())
                                 ? "bastion " + what
                                 : fmt::format("bastion {}: {}", options.destination(), what);
        // A host key failure lasts: kept as one, so that no retry is tried.
        hop.failure = dynamic_cast<const HostKeyError*>(&e) != nullptr
                          ? std::make_exception_ptr(HostKeyError(message))
                          : std::make_exception_ptr(util::Error(message));
        std::rethrow_exception(hop.failure);
    }
}

} // namespace shoal::ssh
