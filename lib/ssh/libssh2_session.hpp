#pragma once

#include "io/fd.hpp"
#include "ssh/connect_options.hpp"
#include "ssh/library.hpp"
#include "ssh/session.hpp"

#include <chrono>
#include <libssh2.h>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::ssh {

class Connector;
class KnownHosts;

// A Session that speaks SSH itself, with libssh2: TCP connect within the
// connect timeout, handshake with the host key type known_hosts holds, host
// key check, then ssh-agent or identity file authentication. libssh2 runs in
// non-blocking mode; every wait is a poll on the socket that gives up when the
// peer has been silent for the IO timeout (keepalives make a live peer talk).
// One process holds every host's session: the way shoal scales.
class Libssh2Session final : public Session {
public:
    // Connects as `connector` does (directly, or through options.jump's bastions).
    Libssh2Session(Connector& connector, ConnectOptions options);
    // Logs in over `connected`, a socket already connected to the host.
    Libssh2Session(const Library& library, ConnectOptions options, io::UniqueFd connected);
    ~Libssh2Session() override;
    Libssh2Session(const Libssh2Session&) = delete;
    Libssh2Session& operator=(const Libssh2Session&) = delete;

    const ConnectOptions& options() const override { return options_; }
    const std::string& destination() const override { return destination_; }
    std::unique_ptr<Channel> start(std::string command) override;
    int keepalive() override;
    LIBSSH2_SESSION* handle() const { return session_.get(); }

    // Calls `attempt` until it returns something other than LIBSSH2_ERROR_EAGAIN,
    // polling the socket in between; `doing` ("reading from 'cat'") names the
    // operation in the timeout error.
    template <typename Attempt> auto retry(std::string_view doing, Attempt attempt) {
        auto deadline = std::chrono::steady_clock::now() + options_.io_timeout;
        for (;;) {
            const auto rc = attempt();
            if (rc != LIBSSH2_ERROR_EAGAIN) {
                return rc;
            }
            wait_for_socket(doing, deadline);
        }
    }

    // Runs `call` with libssh2 in blocking mode, each of its waits bounded by
    // `timeout`: for teardown that must finish even with a dead peer.
    template <typename Call> void blocking(std::chrono::milliseconds timeout, Call call) {
        libssh2_session_set_timeout(handle(), static_cast<long>(timeout.count()));
        libssh2_session_set_blocking(handle(), 1);
        call();
        libssh2_session_set_blocking(handle(), 0);
        libssh2_session_set_timeout(handle(), 0);
    }

    // libssh2's description of the last failure.
    std::string last_error() const;

    // For an event loop that drives many sessions (one thread at a time per
    // session still): the socket, and what to poll it for so that libssh2
    // can go on (input; output too while a send of ours is half done).
    int socket() const { return socket_.get(); }
    // Bytes written to the socket that the peer has not acknowledged yet.
    std::size_t unacknowledged_bytes() const;
    short poll_events() const;

private:
    struct SessionFree {
        void operator()(LIBSSH2_SESSION* session) const;
    };

    void wait_for_socket(std::string_view doing, std::chrono::steady_clock::time_point& deadline);
    void send_keepalive_when_writable(int& seconds_to_next);
    void handshake(const KnownHosts& known_hosts);
    void verify_host_key(const KnownHosts& known_hosts);

    ConnectOptions options_;
    std::string destination_;
    // Declared before the session so that it is closed after it.
    io::UniqueFd socket_;
    std::unique_ptr<LIBSSH2_SESSION, SessionFree> session_;
};

} // namespace shoal::ssh
