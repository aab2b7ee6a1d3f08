#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::cmd {

// Parses a size in bytes for an option: a decimal number, optional spaces,
// then an optional unit: B, KiB, MiB, GiB, TiB (x1024 steps) or kB, MB, GB,
// TB (x1000 steps). "2GiB" = 2147483648, "1.5MB" = 1500000. Throws
// util::UsageError naming `option` for anything else, zero, or more than
// 2^64-1 bytes.
std::uint64_t parse_byte_size(std::string_view text, std::string_view option);

} // namespace shoal::cmd
