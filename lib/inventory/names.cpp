#include "inventory/names.hpp"

#include "inventory/invalid_value.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace shoal::inventory {

void check_name(std::string_view what, std::string_view name) {
    if (name.empty()) {
        throw InvalidValue(fmt::format("{} is empty", what));
    }
    const bool plain = std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
    });
    if (!plain) {
        throw InvalidValue(
            fmt::format("{} '{}' may only hold letters, digits, '.', '-' and '_'", what, name));
    }
}

} // namespace shoal::inventory
