#pragma once

#include <chrono>
#include <string_view>

namespace shoal::util {

enum class Verbosity { quiet, normal, verbose };

// Routes spdlog to stderr with a terse format; stdout stays free for results
// and JSON events.
void setup_logging(Verbosity verbosity);

// A milestone of a push on `-v`'s timeline: "timeline: MILESTONE, 1.5 s into
// the push" (the line scripts/bench-scale reads), counted from `start`.
void log_timeline(std::string_view milestone, std::chrono::steady_clock::time_point start);

} // namespace shoal::util
