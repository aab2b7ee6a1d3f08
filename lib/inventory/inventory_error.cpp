#include "inventory/inventory_error.hpp"

#include <fmt/format.h>

namespace shoal::inventory {

std::string format_location(const SourceLocation& location) {
    if (location.line <= 0) {
        return location.file;
    }
    return fmt::format("{}:{}:{}", location.file, location.line, location.column);
}

InventoryError::InventoryError(const SourceLocation& location, const std::string& message)
    : util::UsageError(format_location(location) + ": " + message) {}

} // namespace shoal::inventory
