#include "push/source_address.hpp"

#include "io/fd.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
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

SwarmReach swarm_reach(const std::vector<const inventory::Host*>& hosts,
                       const std::optional<std::string>& listen, bool tunnel) {
    const SwarmReach tunnelled{true, "127.0.0.1",
                               "the deployer's slices reach the hosts it feeds through SSH, a "
                               "second session each; the hosts exchange pieces directly"};
    if (listen) {
        return {false, *listen, fmt::format("the hosts connect to the deployer at {}", *listen)};
    }
    if (tunnel || hosts.empty()) {
        return tunnelled;
    }
    const auto& first = *hosts.front();
    const auto behind_bastion = std::find_if(hosts.begin(), hosts.end(),
                                             [](const auto* host) { return !host->jump.empty(); });
    try {
        auto address = local_address_towards(first.address);
        if (behind_bastion != hosts.end()) {
            spdlog::warn("{} is reached through the bastion {}: its agent must connect back to "
                         "this machine at {} for the swarm (if it cannot, the push falls back to "
                         "direct copies once the swarm stalls; --tunnel brings the deployer's "
                         "slices to the hosts through SSH, --listen ADDR names an address they "
                         "reach)",
                         (*behind_bastion)->name, (*behind_bastion)->jump.front().written, address);
        }
        auto how = fmt::format("the hosts connect to the deployer at {}", address);
        return {false, std::move(address), std::move(how)};
    } catch (const util::Error& e) {
        if (behind_bastion == hosts.end()) {
            throw;
        }
        spdlog::info("{} is reached through the bastion {}, and this machine has no route to it "
                     "({}): it cannot connect back either",
                     first.name, (*behind_bastion)->jump.front().written, e.what());
        return tunnelled;
    }
}

} // namespace shoal::push
