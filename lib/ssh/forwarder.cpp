#include "ssh/forwarder.hpp"

#include "io/fibers.hpp"
#include "ssh/tcp_connect.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <poll.h>
#include <span>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

namespace shoal::ssh {
namespace {

// Per direction and tunnel: enough for a window's worth of small packets,
// small enough that a thousand tunnels stay within a few hundred MiB.
constexpr std::size_t buffer_limit = 256 * 1024;

// Errors after which the session itself is gone, not just one channel.
bool session_lost(int rc) {
    return rc == LIBSSH2_ERROR_SOCKET_SEND || rc == LIBSSH2_ERROR_SOCKET_RECV ||
           rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_TIMEOUT ||
           rc == LIBSSH2_ERROR_DECRYPT || rc == LIBSSH2_ERROR_TIMEOUT;
}

// Thrown out of the pump when the session itself is gone.
struct SessionLost {
    int code;
};

} // namespace

// One forwarded connection: bytes between our end of a socket pair and a
// direct-tcpip channel, each way through a bounded buffer, EOF passed on
// both ways once the buffers drain.
struct Forwarder::Tunnel {
    LIBSSH2_CHANNEL* channel = nullptr;
    io::UniqueFd local;
    std::string to_remote;
    std::string to_local;
    bool local_eof = false;
    bool eof_sent = false;
    bool remote_eof = false;
    bool local_shut = false;
    bool broken = false;

    Tunnel(LIBSSH2_CHANNEL* opened, io::UniqueFd ours) : channel(opened), local(std::move(ours)) {}
    Tunnel(const Tunnel&) = delete;
    Tunnel& operator=(const Tunnel&) = delete;
    ~Tunnel() {
        if (channel != nullptr) {
            libssh2_channel_free(channel);
        }
    }

    bool wants_input() const { return !local_eof && to_remote.size() < buffer_limit; }
    bool has_room() const { return !remote_eof && to_local.size() < buffer_limit; }
    bool done() const {
        return broken || (local_eof && eof_sent && remote_eof && to_local.empty());
    }

    // Our end of the socket pair into to_remote; true if anything moved.
    bool read_local(std::span<char> buffer) {
        if (broken || !wants_input()) {
            return false;
        }
        const auto room = std::min(buffer.size(), buffer_limit - to_remote.size());
        const auto n = ::recv(local.get(), buffer.data(), room, MSG_DONTWAIT);
        if (n > 0) {
            to_remote.append(buffer.data(), static_cast<std::size_t>(n));
        } else if (n == 0) {
            local_eof = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            broken = true;
        } else {
            return false;
        }
        return true;
    }

    // to_local into our end of the socket pair, then EOF once the channel's came.
    bool write_local() {
        bool moved = false;
        if (!broken && !to_local.empty()) {
            const auto n =
                ::send(local.get(), to_local.data(), to_local.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) {
                to_local.erase(0, static_cast<std::size_t>(n));
                moved = true;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                broken = true; // the target's session closed its end
                return true;
            }
        }
        if (!broken && remote_eof && to_local.empty() && !local_shut) {
            ::shutdown(local.get(), SHUT_WR);
            local_shut = true;
            moved = true;
        }
        return moved;
    }

    // The libssh2 half of the pump, one call per step, each answering what
    // happened; see Forwarder::Step.
    Step write_channel(LIBSSH2_SESSION* session) {
        if (broken || to_remote.empty()) {
            return Step::idle;
        }
        const auto rc = libssh2_channel_write(channel, to_remote.data(), to_remote.size());
        if (rc == LIBSSH2_ERROR_EAGAIN) {
            return waiting(session);
        }
        if (failed(static_cast<int>(rc))) {
            return Step::moved;
        }
        to_remote.erase(0, static_cast<std::size_t>(rc));
        return Step::moved;
    }

    Step send_eof(LIBSSH2_SESSION* session) {
        if (broken || !local_eof || !to_remote.empty() || eof_sent) {
            return Step::idle;
        }
        const int rc = libssh2_channel_send_eof(channel);
        if (rc == LIBSSH2_ERROR_EAGAIN) {
            return waiting(session);
        }
        failed(rc);
        eof_sent = true;
        return Step::moved;
    }

    Step read_channel(LIBSSH2_SESSION* session, std::span<char> buffer) {
        if (broken || !has_room()) {
            return Step::idle;
        }
        const auto room = std::min(buffer.size(), buffer_limit - to_local.size());
        const auto rc = libssh2_channel_read(channel, buffer.data(), room);
        if (rc == LIBSSH2_ERROR_EAGAIN) {
            return waiting(session);
        }
        if (failed(static_cast<int>(rc))) {
            return Step::moved;
        }
        if (rc == 0) {
            if (libssh2_channel_eof(channel) == 0) {
                return Step::idle;
            }
            remote_eof = true;
        }
        to_local.append(buffer.data(), static_cast<std::size_t>(rc));
        return Step::moved;
    }

    // True if `rc` is an error: the channel is then broken; throws
    // SessionLost when the session is gone.
    bool failed(int rc) {
        if (rc >= 0) {
            return false;
        }
        if (session_lost(rc)) {
            throw SessionLost{rc};
        }
        broken = true;
        return true;
    }

    static Step waiting(LIBSSH2_SESSION* session) {
        return (libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0
                   ? Step::half_sent
                   : Step::idle;
    }
};

Forwarder::Forwarder(const Library& library, ForwardingLoop& loop, ConnectOptions options,
                     io::UniqueFd connected, std::string role)
    : session_(library, std::move(options), std::move(connected)), role_(std::move(role)),
      loop_(loop) {
    loop_.add(*this);
}

Forwarder::~Forwarder() {
    loop_.remove(*this);
    // Channels close in blocking mode, bounded: a dead peer must not hold up our exit.
    session_.blocking(std::chrono::seconds(2), [this] {
        tunnels_.clear();
        for (const auto& listener : listeners_) {
            libssh2_channel_forward_cancel(listener.handle);
        }
    });
}

std::optional<Forwarder::Step> Forwarder::retry_later() const {
    const int rc = libssh2_session_last_errno(session_.handle());
    if (rc == LIBSSH2_ERROR_EAGAIN) {
        return Tunnel::waiting(session_.handle());
    }
    if (session_lost(rc)) {
        throw SessionLost{rc};
    }
    return std::nullopt;
}

template <typename Asked> Asked* Forwarder::front(std::deque<Asked>& queue) {
    const std::lock_guard lock(mutex_);
    // A deque's elements stay put while others are added behind them.
    return queue.empty() ? nullptr : &queue.front();
}

template <typename Asked>
auto Forwarder::ask(std::deque<Asked>& queue, const std::string& address, std::uint16_t port,
                    std::chrono::milliseconds timeout, std::string_view doing) {
    const auto answer = std::make_shared<typename decltype(Asked::answer)::element_type>();
    auto future = answer->promise.get_future();
    {
        const std::lock_guard lock(mutex_);
        if (!failure_.empty()) {
            throw util::Error(failure_);
        }
        queue.push_back({address, port, answer});
    }
    loop_.wake();
    // On a fiber, the thread's other fibers go on while this one waits.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds(0)) {
            throw util::Error(fmt::format("{} {} did not {} {} port {} within {} s", role_,
                                          destination(), doing, address, port,
                                          std::chrono::duration<double>(timeout).count()));
        }
        io::wait_ready(answer->given.fd(), POLLIN, left);
    }
    return future.get();
}

io::UniqueFd Forwarder::open_tunnel(const std::string& address, std::uint16_t port,
                                    std::chrono::milliseconds timeout) {
    return ask(requests_, address, port, timeout, "open a connection to");
}

std::uint16_t Forwarder::forward_remote(const std::string& address, std::uint16_t port,
                                        std::chrono::milliseconds timeout) {
    return ask(listen_requests_, address, port, timeout, "start listening for");
}

Forwarder::Step Forwarder::listen_requested() {
    auto* request = front(listen_requests_);
    if (request == nullptr) {
        return Step::idle;
    }
    int bound = 0;
    // A queue of 64: every agent's peers may dial at once.
    LIBSSH2_LISTENER* handle =
        libssh2_channel_forward_listen_ex(session_.handle(), "127.0.0.1", 0, &bound, 64);
    if (handle == nullptr) {
        if (const auto later = retry_later()) {
            return *later;
        }
        request->answer->refuse(util::Error(fmt::format(
            "{} {} refuses to listen on 127.0.0.1 for us (is AllowTcpForwarding off in its "
            "sshd_config?): {}",
            role_, destination(), session_.last_error())));
    } else {
        listeners_.push_back({handle, request->address, request->port});
        request->answer->give(static_cast<std::uint16_t>(bound));
        spdlog::debug("{}: 127.0.0.1:{} there leads to {} port {} here", destination(), bound,
                      request->address, request->port);
    }
    const std::lock_guard lock(mutex_);
    listen_requests_.pop_front();
    return Step::moved;
}

Forwarder::Step Forwarder::accept(std::size_t listener) {
    const auto& to = listeners_.at(listener);
    LIBSSH2_CHANNEL* channel = libssh2_channel_forward_accept(to.handle);
    if (channel == nullptr) {
        if (const auto later = retry_later()) {
            return *later;
        }
        spdlog::warn("{}: cannot accept a forwarded connection: {}", destination(),
                     session_.last_error());
        return Step::idle;
    }
    try {
        // Our own listener on this machine: answers at once, or never will.
        tunnels_.push_back(std::make_unique<Tunnel>(
            channel, tcp_connect(to.address, to.port, std::chrono::seconds(5))));
    } catch (const util::Error& e) {
        spdlog::warn("{}: a forwarded connection to {} port {} failed: {}", destination(),
                     to.address, to.port, e.what());
        // A broken tunnel: the next pass closes and frees its channel.
        tunnels_.push_back(std::make_unique<Tunnel>(channel, io::UniqueFd()));
        tunnels_.back()->broken = true;
    }
    return Step::moved;
}

Forwarder::Step Forwarder::open_requested() {
    auto* request = front(requests_);
    if (request == nullptr) {
        return Step::idle;
    }
    // libssh2 opens one channel at a time: the front request until it is done.
    LIBSSH2_CHANNEL* channel = libssh2_channel_direct_tcpip_ex(
        session_.handle(), request->address.c_str(), request->port, "127.0.0.1", 22);
    if (channel == nullptr) {
        if (const auto later = retry_later()) {
            return *later;
        }
        request->answer->refuse(util::Error(
            fmt::format("{} {} cannot open a connection to {} port {}: {}", role_, destination(),
                        request->address, request->port, session_.last_error())));
    } else {
        std::array<int, 2> pair{};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair.data()) !=
            0) {
            libssh2_channel_free(channel);
            request->answer->refuse(
                util::SystemError(fmt::format("{} {}: socketpair", role_, destination()), errno));
        } else {
            tunnels_.push_back(std::make_unique<Tunnel>(channel, io::UniqueFd(pair[0])));
            request->answer->give(io::UniqueFd(pair[1]));
            spdlog::debug("{}: tunnel to {} port {} open", destination(), request->address,
                          request->port);
        }
    }
    const std::lock_guard lock(mutex_);
    requests_.pop_front();
    return Step::moved;
}

void Forwarder::fail_all(const std::string& error) {
    spdlog::warn("{}", error);
    const std::lock_guard lock(mutex_);
    failure_ = error;
    for (auto& request : requests_) {
        request.answer->refuse(util::Error(error));
    }
    requests_.clear();
    for (auto& request : listen_requests_) {
        request.answer->refuse(util::Error(error));
    }
    listen_requests_.clear();
    // Closing our ends ends every target session that runs through here.
    for (auto& tunnel : tunnels_) {
        tunnel->local.reset();
    }
}

Forwarder::Step Forwarder::take(const Pending& call, std::span<char> buffer) {
    auto* session = session_.handle();
    switch (call.op) {
    case Op::open:
        return open_requested();
    case Op::listen:
        return listen_requested();
    case Op::accept:
        return accept(call.listener);
    case Op::write:
        return call.tunnel->write_channel(session);
    case Op::eof:
        return call.tunnel->send_eof(session);
    case Op::read:
        return call.tunnel->read_channel(session, buffer);
    case Op::free: {
        const int rc = libssh2_channel_free(call.tunnel->channel);
        if (rc == LIBSSH2_ERROR_EAGAIN) {
            return Tunnel::waiting(session);
        }
        call.tunnel->channel = nullptr;
        return Step::moved;
    }
    }
    return Step::idle;
}

bool Forwarder::pass(std::span<char> buffer) {
    // libssh2 keeps a half-sent packet and sends nothing else until the call
    // that began it is repeated: that call first, and nothing else meanwhile.
    if (half_sent_) {
        if (take(*half_sent_, buffer) == Step::half_sent) {
            return false;
        }
        half_sent_.reset();
    }
    bool moved = false;
    const auto step = [&](const Pending& call) {
        const auto result = take(call, buffer);
        if (result == Step::half_sent) {
            half_sent_ = call;
            return false;
        }
        moved |= result == Step::moved;
        return true;
    };
    if (!step({Op::open}) || !step({Op::listen})) {
        return true;
    }
    for (std::size_t i = 0; i < listeners_.size(); ++i) {
        if (!step({Op::accept, nullptr, i})) {
            return true;
        }
    }
    for (auto& tunnel : tunnels_) {
        moved |= tunnel->read_local(buffer);
        for (const auto op : {Op::write, Op::eof, Op::read}) {
            if (!step({op, tunnel.get()})) {
                return true;
            }
        }
        moved |= tunnel->write_local();
    }
    for (auto& tunnel : tunnels_) {
        if (tunnel->done() && tunnel->channel != nullptr && !step({Op::free, tunnel.get()})) {
            return true;
        }
    }
    std::erase_if(tunnels_, [](const auto& tunnel) { return tunnel->channel == nullptr; });
    return moved;
}

int Forwarder::pump(std::span<char> buffer, std::vector<pollfd>& entries) {
    {
        const std::lock_guard lock(mutex_);
        if (!failure_.empty()) {
            return 1000; // nothing left to move: every tunnel was closed
        }
    }
    try {
        const bool moved = pass(buffer);
        const int keepalive_seconds = half_sent_ ? 1 : session_.keepalive();
        // The socket is read only through a channel with room, an open in
        // progress or a listener (whose accept drains it): polling it
        // otherwise would spin.
        bool can_read = false;
        for (const auto& tunnel : tunnels_) {
            can_read |= tunnel->has_room();
            short events = 0;
            if (tunnel->wants_input()) {
                events |= POLLIN;
            }
            if (!tunnel->to_local.empty()) {
                events |= POLLOUT;
            }
            entries.push_back({tunnel->local.get(), events, 0});
        }
        can_read |= !listeners_.empty();
        {
            const std::lock_guard lock(mutex_);
            can_read |= !requests_.empty() || !listen_requests_.empty();
        }
        const short session_events = session_.poll_events();
        entries.push_back({session_.socket(),
                           static_cast<short>(can_read ? session_events : session_events & ~POLLIN),
                           0});
        return moved ? 0 : std::min(1000, keepalive_seconds * 1000);
    } catch (const SessionLost&) {
        fail_all(fmt::format("{} {}: the connection to it was lost: {}", role_, destination(),
                             session_.last_error()));
    } catch (const std::exception& e) {
        fail_all(e.what());
    }
    return 0;
}

} // namespace shoal::ssh
