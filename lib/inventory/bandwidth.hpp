#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::inventory {

// Parses a link speed into bits per second: a decimal number, optional spaces,
// then a unit, optionally followed by "/s".
//   bit units (×1000 steps, any case): bit, kbit, mbit, gbit, tbit
//   byte units (×1000 steps, ×8 into bits, case as written): k or K, M, G, T
// "1gbit" = "125M" = 1'000'000'000. Fractions are allowed ("2.5gbit") and
// rounded down to whole bits. Throws InvalidValue for a missing or unknown
// unit, zero, a negative number, other text, or more than 2^64-1 bit/s.
std::uint64_t parse_bandwidth(std::string_view text);

} // namespace shoal::inventory
