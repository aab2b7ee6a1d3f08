#include "inventory/port.hpp"

#include "inventory/invalid_value.hpp"

#include <charconv>
#include <fmt/format.h>
#include <limits>

namespace shoal::inventory {

std::uint16_t parse_port(std::string_view text) {
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.starts_with('+') ||
        value == 0 || value > std::numeric_limits<std::uint16_t>::max()) {
        throw InvalidValue(fmt::format("'{}' is not a port number (1 to 65535)", text));
    }
    return static_cast<std::uint16_t>(value);
}

} // namespace shoal::inventory
