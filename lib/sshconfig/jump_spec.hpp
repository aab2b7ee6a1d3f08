#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::sshconfig {

// One hop of a ProxyJump chain as written: [user@]host[:port], or the same
// as an ssh:// URI; an IPv6 address goes in brackets when a port follows.
struct JumpSpec {
    std::string user; // empty: from the configuration, else the local user
    std::string host;
    std::optional<std::uint16_t> port;

    std::string to_string() const;
};

// Throws util::UsageError (no location: the caller adds it) naming the bad part.
JumpSpec parse_jump_spec(std::string_view text);

// A comma-separated chain, first hop first; "none" is the empty chain.
std::vector<JumpSpec> parse_jump_chain(std::string_view text);

} // namespace shoal::sshconfig
