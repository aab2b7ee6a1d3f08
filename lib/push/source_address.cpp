#include "push/source_address.hpp"

#include "io/fd.hpp"
#include "util/error.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

namespace shoal::push {

std::string local_address_towards(const std::string& target) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(target.c_str(), "9", &hints, &found); rc != 0) {
        throw util::Error(fmt::format("cannot resolve '{}': {}", target, ::gai_strerror(rc)));
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, ::freeaddrinfo);
    io::UniqueFd socket(::socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket || ::connect(socket.get(), found->ai_addr, found->ai_addrlen) != 0) {
        util::throw_errno(fmt::format("no route to '{}'", target));
    }
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0) {
        util::throw_errno("getsockname");
    }
    char text[INET6_ADDRSTRLEN] = {};
    const void* address =
        local.ss_family == AF_INET6
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
    ::inet_ntop(local.ss_family, address, text, sizeof(text));
    return text;
}

} // namespace shoal::push
