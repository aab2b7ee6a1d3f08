#pragma once

#include "util/error.hpp"

namespace shoal::agent {

// A line of the agent protocol that is not a well-formed message: its text
// names the message and the field at fault.
class ProtocolError : public util::Error {
public:
    using util::Error::Error;
};

} // namespace shoal::agent
