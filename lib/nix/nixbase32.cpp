#include "nix/nixbase32.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace shoal::nix::nixbase32 {
namespace {

constexpr std::string_view alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

} // namespace

bool is_digit(char c) {
    return alphabet.find(c) != std::string_view::npos;
}

std::string encode(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) {
        return {};
    }
    const std::size_t length = (bytes.size() * 8 - 1) / 5 + 1;
    std::string text;
    text.reserve(length);
    // Character n (counted from the end) holds bits 5n..5n+4 of the little-endian bit string.
    for (std::size_t n = length; n-- > 0;) {
        const std::size_t bit = n * 5;
        const std::size_t byte = bit / 8;
        const std::size_t shift = bit % 8;
        unsigned value = bytes[byte] >> shift;
        if (byte + 1 < bytes.size()) {
            value |= static_cast<unsigned>(bytes[byte + 1]) << (8 - shift);
        }
        text.push_back(alphabet[value & 0x1f]);
    }
    return text;
}

std::vector<std::uint8_t> decode(std::string_view text) {
    std::vector<std::uint8_t> bytes(text.size() * 5 / 8, 0);
    for (std::size_t n = 0; n < text.size(); ++n) {
        const char c = text[text.size() - 1 - n];
        const auto digit = alphabet.find(c);
        if (digit == std::string_view::npos) {
            throw util::Error(fmt::format("invalid character '{}' in base-32 text '{}'", c, text));
        }
        const std::size_t bit = n * 5;
        const std::size_t byte = bit / 8;
        const std::size_t shift = bit % 8;
        const unsigned low = static_cast<unsigned>(digit) << shift;
        const unsigned high = static_cast<unsigned>(digit) >> (8 - shift);
        if (byte < bytes.size()) {
            bytes[byte] |= static_cast<std::uint8_t>(low & 0xff);
        }
        const bool spills =
            byte >= bytes.size() ? low != 0 : (byte + 1 >= bytes.size() && high != 0);
        if (spills) {
            throw util::Error(fmt::format("base-32 text '{}' has bits beyond its length", text));
        }
        if (byte + 1 < bytes.size()) {
            bytes[byte + 1] |= static_cast<std::uint8_t>(high);
        }
    }
    return bytes;
}

} // namespace shoal::nix::nixbase32
