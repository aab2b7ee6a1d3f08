#include "ssh/tcp_connect.hpp"

#include "io/fibers.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <future>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

namespace shoal::ssh {
namespace {

using Clock = std::chrono::steady_clock;

struct AddressListFree {
    void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};
using AddressList = std::unique_ptr<addrinfo, AddressListFree>;

// getaddrinfo's answer: its return code and, when that is 0, the addresses.
struct Resolution {
    int rc = 0;
    AddressList addresses;
};

// getaddrinfo now: `flags` AI_NUMERICHOST makes it fail at once for a name.
Resolution resolve_now(const std::string& address, std::uint16_t port, int flags) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | flags;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &list);
    return {rc, AddressList(list)};
}

// An address needs no resolver. A name does, and getaddrinfo can be neither
// cancelled nor given a deadline, and a DNS server that does not answer holds
// it for the resolver's timeouts (5 s per try, per server, by default): it
// runs on a thread of its own that we stop waiting for at `deadline`. The
// thread ends, freeing its answer, whenever the resolver gives up.
AddressList resolve(const std::string& address, std::uint16_t port, Clock::time_point deadline,
                    std::chrono::milliseconds timeout) {
    auto resolution = resolve_now(address, port, AI_NUMERICHOST);
    if (resolution.rc == EAI_NONAME) {
        std::promise<Resolution> promise;
        auto answer = promise.get_future();
        std::thread([address, port, promise = std::move(promise)]() mutable {
            promise.set_value(resolve_now(address, port, 0));
        }).detach();
        // Polled, so that the thread's other fibers go on connecting meanwhile.
        while (answer.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            if (Clock::now() >= deadline) {
                throw util::Error(fmt::format(
                    "cannot resolve {}: no answer within {}; check the name, or the DNS servers "
                    "in /etc/resolv.conf, or give an address",
                    address, util::format_seconds(timeout.count() / 1000.0)));
            }
            io::pause_for(std::chrono::milliseconds(5));
        }
        resolution = answer.get();
    }
    if (resolution.rc != 0) {
        throw util::Error(
            fmt::format("cannot resolve {}: {}", address, ::gai_strerror(resolution.rc)));
    }
    return std::move(resolution.addresses);
}

// Returns 0 once connected, else the errno that ended the attempt (ETIMEDOUT at the deadline).
int connect_one(const addrinfo& target, Clock::time_point deadline, io::UniqueFd& socket_fd) {
    socket_fd.reset(
        ::socket(target.ai_family, target.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket_fd) {
        return errno;
    }
    if (::connect(socket_fd.get(), target.ai_addr, target.ai_addrlen) == 0) {
        return 0;
    }
    if (errno != EINPROGRESS) {
        return errno;
    }
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return ETIMEDOUT;
        }
        if (io::wait_ready(socket_fd.get(), POLLOUT, left) != 0) {
            int error = 0;
            socklen_t length = sizeof(error);
            ::getsockopt(socket_fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
            return error;
        }
    }
}

} // namespace

io::UniqueFd tcp_connect(const std::string& address, std::uint16_t port,
                         std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    const AddressList targets = resolve(address, port, deadline, timeout);
    int error = 0;
    for (const addrinfo* target = targets.get(); target != nullptr; target = target->ai_next) {
        io::UniqueFd socket_fd;
        error = connect_one(*target, deadline, socket_fd);
        if (error == 0) {
            // The serve protocol sends many small messages: don't hold them back.
            const int on = 1;
            ::setsockopt(socket_fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
            return socket_fd;
        }
        if (error == ETIMEDOUT) {
            break;
        }
    }
    if (error == ETIMEDOUT) {
        throw util::Error(fmt::format("cannot connect to {} port {}: no answer within {}", address,
                                      port, util::format_seconds(timeout.count() / 1000.0)));
    }
    throw util::SystemError(fmt::format("cannot connect to {} port {}", address, port), error);
}

} // namespace shoal::ssh
