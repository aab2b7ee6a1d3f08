#pragma once

#include "io/fd.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace shoal::ssh {

// A connected, non-blocking TCP socket to address:port, or util::Error once
// `timeout` has passed, name resolution included (a host that drops our
// packets, or a DNS server that never answers, never hangs us).
io::UniqueFd tcp_connect(const std::string& address, std::uint16_t port,
                         std::chrono::milliseconds timeout);

} // namespace shoal::ssh
