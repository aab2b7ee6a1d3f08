#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
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

} // namespace shoal::fleet
