#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Nix's own base-32 (libutil/hash): alphabet without e, o, u, t, and the
// bytes read from the last bit to the first, so it differs from RFC 4648.
namespace shoal::nix::nixbase32 {

std::string encode(std::span<const std::uint8_t> bytes);

// Throws util::Error naming `text` if it has a character outside the
// alphabet or set bits beyond the decoded length.
std::vector<std::uint8_t> decode(std::string_view text);

bool is_digit(char c);

} // namespace shoal::nix::nixbase32
