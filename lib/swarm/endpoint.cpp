#include "swarm/endpoint.hpp"

#include "util/error.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace shoal::swarm {
namespace {

bool is_numeric_address(const std::string& address) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

} // namespace

std::string Endpoint::to_string() const {
    const bool is_v6 = address.find(':') != std::string::npos;
    return (is_v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

Endpoint parse_endpoint(std::string_view text) {
    const auto invalid = [&](const std::string& why) {
        return util::UsageError("invalid endpoint '" + std::string(text) + "': " + why +
                                " (expected ADDRESS:PORT or [IPV6]:PORT)");
    };
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw invalid("no port");
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    Endpoint endpoint{std::string(host), 0};
    if (!is_numeric_address(endpoint.address)) {
        throw invalid("'" + endpoint.address + "' is not a numeric IP address");
    }
    const std::string_view port = text.substr(colon + 1);
    const auto [end, error] =
        std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (error != std::errc() || end != port.data() + port.size()) {
        throw invalid("'" + std::string(port) + "' is not a port number");
    }
    return endpoint;
}

} // namespace shoal::swarm
