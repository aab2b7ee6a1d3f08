#include "util/logging.hpp"

#include "util/units.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace shoal::util {

void setup_logging(Verbosity verbosity) {
    // Not registered by name: the CLI sets logging up early, then again once
    // it has parsed -v/-q.
    auto logger = std::make_shared<spdlog::logger>(
        "shoal", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern(verbosity == Verbosity::verbose ? "%H:%M:%S.%e %^%l%$ %v" : "%^%l%$: %v");
    switch (verbosity) {
    case Verbosity::quiet:
        logger->set_level(spdlog::level::warn);
        break;
    case Verbosity::normal:
        logger->set_level(spdlog::level::info);
        break;
    case Verbosity::verbose:
        logger->set_level(spdlog::level::debug);
        break;
    }
    spdlog::set_default_logger(std::move(logger));
}

void log_timeline(std::string_view milestone, std::chrono::steady_clock::time_point start) {
    spdlog::debug("timeline: {}, {} into the push", milestone,
                  format_seconds(seconds_since(start)));
}

} // namespace shoal::util
