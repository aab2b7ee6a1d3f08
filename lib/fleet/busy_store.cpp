#include "fleet/busy_store.hpp"

namespace shoal::fleet {

bool store_was_busy(std::string_view error) {
    // Nix's SQLiteBusy: "SQLite database '/nix/var/nix/db/db.sqlite' is busy".
    const auto database = error.find("SQLite database '");
    return database != std::string_view::npos &&
           error.find("' is busy", database) != std::string_view::npos;
}

std::optional<std::chrono::milliseconds> busy_store_backoff(std::size_t retry, double jitter) {
    // 0.25 s doubling over 5 retries: about 8 s in all, well within a
    // --connect-timeout's order, and far more than WAL recovery takes.
    constexpr std::size_t retries = 5;
    constexpr double first_ms = 250;
    if (retry >= retries) {
        return std::nullopt;
    }
    const double base = first_ms * static_cast<double>(std::size_t{1} << retry);
    return std::chrono::milliseconds(static_cast<long>(base * (0.5 + jitter)));
}

} // namespace shoal::fleet
