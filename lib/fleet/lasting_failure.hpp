#pragma once

#include <exception>
#include <optional>
#include <string>

namespace shoal::fleet {

// Why trying a failed host again, by any route (a direct copy after its
// agent failed), would only fail the same way, and what to do about it: its
// disk is full, or it refuses our credentials or we refuse its host key.
// Nothing when another attempt may well succeed (a lost connection, a stalled
// download, a killed agent).
std::optional<std::string> lasting_failure(const std::exception& failure);

} // namespace shoal::fleet
