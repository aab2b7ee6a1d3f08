#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::inventory {

// A TCP port written in decimal, 1 to 65535. Throws InvalidValue otherwise.
std::uint16_t parse_port(std::string_view text);

} // namespace shoal::inventory
