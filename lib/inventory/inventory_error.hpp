#pragma once

#include "inventory/host.hpp"
#include "util/error.hpp"

#include <string>

namespace shoal::inventory {

// "FILE:LINE:COLUMN: location" as compilers print it; "FILE" alone when there is no line.
std::string format_location(const SourceLocation& location);

// A mistake in an inventory file; the message starts with "FILE:LINE:COLUMN: ".
class InventoryError : public util::UsageError {
public:
    InventoryError(const SourceLocation& location, const std::string& message);
};

} // namespace shoal::inventory
