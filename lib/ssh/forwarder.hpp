#pragma once

#include "io/fd.hpp"
#include "io/wakeup.hpp"
#include "ssh/forwarding_loop.hpp"
#include "ssh/libssh2_session.hpp"
#include "ssh/remote_forwarding.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace shoal::ssh {

// One authenticated session that only forwards TCP connections, both ways
// OpenSSH does: to a bastion (ProxyJump), where each tunnel is a
// direct-tcpip channel handed out as one end of a socket pair, so that a
// session to the target runs over it exactly as over TCP (ssh -W); and to a
// host that cannot connect to us, which listens on its loopback and hands
// each connection made there to us (ssh -R). The command's ForwardingLoop
// pumps every tunnel's bytes (libssh2 sessions are not thread-safe: its
// thread alone touches this one after construction).
class Forwarder final : public RemoteForwarding, private Pumped {
public:
    // Logs in over `connected` (a TCP socket, or the previous hop's tunnel),
    // then joins `loop`, which must outlive it; `role` ("bastion") starts its
    // messages.
    Forwarder(const Library& library, ForwardingLoop& loop, ConnectOptions options,
              io::UniqueFd connected, std::string role);
    ~Forwarder() override;
    Forwarder(const Forwarder&) = delete;
    Forwarder& operator=(const Forwarder&) = delete;

    const std::string& destination() const { return session_.destination(); }

    // A socket connected through the bastion to address:port. Thread-safe;
    // throws util::Error naming the bastion when it cannot open the
    // connection within `timeout` or has lost its own.
    io::UniqueFd open_tunnel(const std::string& address, std::uint16_t port,
                             std::chrono::milliseconds timeout);

    std::uint16_t forward_remote(const std::string& address, std::uint16_t port,
                                 std::chrono::milliseconds timeout) override;

private:
    // The loop's answer to one request. Shared: an asker that gave up must not
    // leave the loop a dangling answer, nor the loop an asker a closed wakeup.
    template <typename T> struct Answer {
        std::promise<T> promise;
        io::Wakeup given; // readable once the promise holds a value or an error
        void give(T value) {
            promise.set_value(std::move(value));
            given.notify();
        }
        template <typename Failure> void refuse(Failure failure) {
            promise.set_exception(std::make_exception_ptr(std::move(failure)));
            given.notify();
        }
    };
    struct Request {
        std::string address;
        std::uint16_t port = 0;
        std::shared_ptr<Answer<io::UniqueFd>> answer; // our end of the tunnel
    };
    struct ListenRequest {
        std::string address; // where connections to the host's port go, here
        std::uint16_t port = 0;
        std::shared_ptr<Answer<std::uint16_t>> answer; // the port the host listens on
    };
    struct Listener {
        LIBSSH2_LISTENER* handle = nullptr;
        std::string address;
        std::uint16_t port = 0;
    };
    struct Tunnel;
    // What one libssh2 call did: nothing yet, moved bytes (or state), or
    // left a packet half sent, which that same call must finish before any other.
    enum class Step { idle, moved, half_sent };
    enum class Op { open, listen, accept, write, eof, read, free };
    struct Pending {
        Op op = Op::open;
        Tunnel* tunnel = nullptr; // for write, eof, read and free
        std::size_t listener = 0; // for accept
    };

    int pump(std::span<char> buffer, std::vector<pollfd>& entries) override;
    // Queues a request for the loop and waits up to `timeout` for its answer.
    template <typename Asked>
    auto ask(std::deque<Asked>& queue, const std::string& address, std::uint16_t port,
             std::chrono::milliseconds timeout, std::string_view doing);
    // After a libssh2 call that returns a handle gave none: the step to
    // return when it is to be repeated; nothing when it failed for good (see
    // session_.last_error()). Throws SessionLost when the session is gone.
    std::optional<Step> retry_later() const;
    // The oldest request of `queue`, which the loop works on; null if none.
    template <typename Asked> Asked* front(std::deque<Asked>& queue);
    // One round over every tunnel; true if anything moved.
    bool pass(std::span<char> buffer);
    Step take(const Pending& call, std::span<char> buffer);
    Step open_requested();
    Step listen_requested();
    Step accept(std::size_t listener);
    void fail_all(const std::string& error);

    Libssh2Session session_;
    std::string role_;
    ForwardingLoop& loop_;
    std::mutex mutex_; // guards requests_, listen_requests_ and failure_
    std::deque<Request> requests_;
    std::deque<ListenRequest> listen_requests_;
    std::string failure_; // why the bastion's session ended; empty while it works
    std::vector<std::unique_ptr<Tunnel>> tunnels_; // the loop's alone, as are:
    std::vector<Listener> listeners_;
    std::optional<Pending> half_sent_;
};

} // namespace shoal::ssh
