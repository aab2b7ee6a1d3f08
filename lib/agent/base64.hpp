#pragma once

#include <optional>
#include <string>
#include <string_view>

// Standard base64 (RFC 4648, with padding): how binary data such as a
// .torrent travels inside the agent protocol's JSON strings.
namespace shoal::agent::base64 {

std::string encode(std::string_view bytes);

// The decoded bytes, or nothing if `text` is not canonical padded base64.
std::optional<std::string> decode(std::string_view text);

} // namespace shoal::agent::base64
