#pragma once

#include <optional>
#include <string>
#include <string_view>

// Standard base64 (RFC 4648, with padding), strict: how the agent protocol
// carries binary data (a .torrent) in JSON strings, and how OpenSSH writes keys.
namespace shoal::util::base64 {

std::string encode(std::string_view bytes);

// The decoded bytes, or nothing if `text` is not canonical padded base64.
std::optional<std::string> decode(std::string_view text);

} // namespace shoal::util::base64
