#pragma once

#include "util/error.hpp"

namespace shoal::inventory {

// A value that does not parse (a bandwidth, a port, a range). The message
// names the value but not where it came from: the caller knows that and adds it.
class InvalidValue : public util::UsageError {
public:
    using util::UsageError::UsageError;
};

} // namespace shoal::inventory
