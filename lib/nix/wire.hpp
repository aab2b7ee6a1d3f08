#pragma once

#include "io/stream.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

// Nix's wire encoding (libutil/serialise): u64 little-endian integers and
// strings as length + bytes + zero padding to a multiple of 8.
namespace shoal::nix {

// The peer sent bytes that are not a valid encoding of what we expected.
class WireError : public util::Error {
public:
    using util::Error::Error;
};

void write_u64(io::Sink& out, std::uint64_t value);
void write_string(io::Sink& out, std::string_view text);

// A count, then each string: Nix's lists and sets of strings.
template <std::ranges::sized_range Strings>
void write_strings(io::Sink& out, const Strings& texts) {
    write_u64(out, std::ranges::size(texts));
    for (const auto& text : texts) {
        write_string(out, text);
    }
}

// `what` names the field being read; it appears in every error.
std::uint64_t read_u64(io::Source& in, std::string_view what);
bool read_bool(io::Source& in, std::string_view what);
std::string read_string(io::Source& in, std::size_t max_length, std::string_view what);
std::vector<std::string> read_strings(io::Source& in, std::size_t max_count, std::size_t max_length,
                                      std::string_view what);

} // namespace shoal::nix
