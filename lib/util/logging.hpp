#pragma once

namespace shoal::util {

enum class Verbosity { quiet, normal, verbose };

// Routes spdlog to stderr with a terse format; stdout stays free for results
// and JSON events.
void setup_logging(Verbosity verbosity);

} // namespace shoal::util
