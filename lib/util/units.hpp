#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shoal::util {

// "1.5 MiB", "312 B": for humans, never parsed back.
std::string format_bytes(std::uint64_t bytes);

// "2.4 s", "1 min 12 s", "3 h 05 min".
std::string format_seconds(double seconds);

// Seconds from `start` to now, on the steady clock every timing of shoal uses.
double seconds_since(std::chrono::steady_clock::time_point start);

// "100 Mbit/s" from bits per second.
std::string format_bandwidth(std::uint64_t bits_per_second);

} // namespace shoal::util
