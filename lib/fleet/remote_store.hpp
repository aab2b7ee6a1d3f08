#pragma once

#include "inventory/host.hpp"
#include "nix/serve_connection.hpp"
#include "ssh/channel.hpp"
#include "ssh/connector.hpp"
#include "ssh/session.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace shoal::fleet {

// How many hosts a command talks to at once (--jobs) unless told otherwise.
constexpr std::size_t default_jobs = 64;

// How shoal reaches targets, the same for every host of one command.
// A value given on the command line wins over the host's ssh_config; the
// defaults here apply where neither says.
struct RemoteOptions {
    bool accept_new_host_keys = false;
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
    std::chrono::milliseconds io_timeout = std::chrono::seconds(60);
    bool sudo = false;     // --sudo: as `become: sudo` for every host
    bool compress = false; // SSH compression (see ssh::ConnectOptions::compress)
    // --ssh-program: every host through this OpenSSH client (`transport:
    // openssh` hosts run "ssh" unless it is given).
    std::string ssh_program;
    bool connect_timeout_given = false;
    bool io_timeout_given = false;
    // The target's nix-store, as nix-copy-closure's NIX_SSHOPTS users know it:
    // a program name or path, possibly with arguments.
    std::string remote_nix_store = "nix-store";
};

// How to reach `host`: its inventory and ssh_config settings under the command line's.
ssh::ConnectOptions connect_options(const inventory::Host& host, const RemoteOptions& options);

// A target's Nix store, spoken to over SSH with `nix-store --serve --write`,
// exactly what nix-copy-closure runs there. Owns the session, the channel and
// the protocol state; closes them in reverse order. Construction throws
// util::Error naming the host and the way out when nix-store is missing
// there, speaks another protocol version, or its output is garbled by text
// the host's login prints.
class RemoteStore {
public:
    RemoteStore(ssh::Connector& connector, const inventory::Host& host,
                const RemoteOptions& options);

    nix::ServeConnection& connection() { return connection_; }
    // For other commands on their own channels, beside the serve protocol's.
    ssh::Session& session() { return *session_; }
    const std::string& destination() const { return session_->destination(); }

private:
    // Why the handshake failed, with what to do about it.
    std::string handshake_failure(const std::string& error);
    // Why sudo would not run nix-store, with what to do; empty if it did not refuse.
    std::string sudo_refusal();
    // What the host's login prints on stdout before any command runs.
    std::string login_output();

    std::unique_ptr<ssh::Session> session_;
    std::unique_ptr<ssh::Channel> channel_;
    nix::ServeConnection connection_;
};

} // namespace shoal::fleet
