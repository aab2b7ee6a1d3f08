#include "nix/wire.hpp"

#include <array>
#include <fmt/format.h>

namespace shoal::nix {
namespace {

constexpr std::size_t padding_for(std::size_t length) {
    return (8 - length % 8) % 8;
}

void read_exact(io::Source& in, std::span<char> buffer, std::string_view what) {
    try {
        in.read_exact(buffer);
    } catch (const io::EndOfStream& e) {
        throw WireError(fmt::format("truncated input while reading {}: {}", what, e.what()));
    }
}

} // namespace

void write_u64(io::Sink& out, std::uint64_t value) {
    std::array<char, 8> bytes{};
    for (auto& byte : bytes) {
        byte = static_cast<char>(value & 0xff);
        value >>= 8;
    }
    out.write(bytes);
}

void write_string(io::Sink& out, std::string_view text) {
    static constexpr std::array<char, 8> zeros{};
    write_u64(out, text.size());
    out.write(text);
    out.write(std::span(zeros.data(), padding_for(text.size())));
}

std::uint64_t read_u64(io::Source& in, std::string_view what) {
    std::array<char, 8> bytes{};
    read_exact(in, bytes, what);
    std::uint64_t value = 0;
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
        value = (value << 8) | static_cast<unsigned char>(*it);
    }
    return value;
}

bool read_bool(io::Source& in, std::string_view what) {
    const auto value = read_u64(in, what);
    if (value > 1) {
        throw WireError(fmt::format("expected 0 or 1 for {}, got {}", what, value));
    }
    return value == 1;
}

std::string read_string(io::Source& in, std::size_t max_length, std::string_view what) {
    const auto length = read_u64(in, fmt::format("length of {}", what));
    if (length > max_length) {
        throw WireError(
            fmt::format("{} is {} bytes long, more than the {} allowed", what, length, max_length));
    }
    std::string text(static_cast<std::size_t>(length), '\0');
    read_exact(in, text, what);
    std::array<char, 8> padding{};
    const auto padding_length = padding_for(text.size());
    read_exact(in, std::span(padding.data(), padding_length), fmt::format("padding of {}", what));
    for (std::size_t i = 0; i < padding_length; ++i) {
        if (padding[i] != 0) {
            throw WireError(fmt::format("non-zero padding after {}", what));
        }
    }
    return text;
}

std::vector<std::string> read_strings(io::Source& in, std::size_t max_count, std::size_t max_length,
                                      std::string_view what) {
    const auto count = read_u64(in, fmt::format("number of {}", what));
    if (count > max_count) {
        throw WireError(
            fmt::format("{} {} announced, more than the {} allowed", count, what, max_count));
    }
    std::vector<std::string> texts;
    for (std::uint64_t i = 0; i < count; ++i) {
        texts.push_back(read_string(in, max_length, fmt::format("{} #{}", what, i + 1)));
    }
    return texts;
}

} // namespace shoal::nix
