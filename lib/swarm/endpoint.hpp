#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::swarm {

// An IP address and TCP port: where a peer listens.
struct Endpoint {
    std::string address; // numeric IPv4 or IPv6, without brackets
    std::uint16_t port = 0;

    // "127.0.0.2:7000", "[::1]:7000"
    std::string to_string() const;
    bool operator==(const Endpoint&) const = default;
};

// Parses "ADDRESS:PORT" ("[V6ADDRESS]:PORT" for IPv6); throws util::UsageError.
Endpoint parse_endpoint(std::string_view text);

} // namespace shoal::swarm
