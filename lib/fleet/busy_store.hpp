#pragma once

#include "io/fibers.hpp"

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <random>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>

namespace shoal::fleet {

// Whether a host's nix-store failed only because its SQLite database was
// busy. SQLite answers "busy" at once, without waiting out Nix's timeout,
// when a connection opens the database while another recovers its
// write-ahead log or upgrades a lock: two nix-store processes starting
// together on one host (two inventory names for one machine, a garbage
// collection, a build) are enough. Nix retries such errors inside its own
// operations; a moment later the same request succeeds.
bool store_was_busy(std::string_view error);

// How long to wait before retry `retry` (0 for the first) of a request a
// busy store refused, or nothing once the retries are spent. Doubling, with
// `jitter` (in [0, 1)) spreading the retries of processes that collided.
std::optional<std::chrono::milliseconds> busy_store_backoff(std::size_t retry, double jitter);

// Returns what `attempt` returns, calling it again (after busy_store_backoff,
// logged under `host_name`) while it fails only because a store was busy.
// Any other failure, or the last busy one, propagates.
template <typename Attempt> auto retry_while_busy(const std::string& host_name, Attempt attempt) {
    std::minstd_rand jitter(
        static_cast<std::minstd_rand::result_type>(std::hash<std::string>()(host_name) | 1U));
    for (std::size_t retry = 0;; ++retry) {
        try {
            return attempt();
        } catch (const std::exception& e) {
            const auto delay =
                store_was_busy(e.what())
                    ? busy_store_backoff(retry, std::uniform_real_distribution<>()(jitter))
                    : std::nullopt;
            if (!delay) {
                throw;
            }
            spdlog::info("{}: {}; trying again in {} ms", host_name, e.what(), delay->count());
            io::pause_for(*delay);
        }
    }
}

} // namespace shoal::fleet
