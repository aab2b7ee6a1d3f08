#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shoal::io {

struct DescriptorLimits {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};

// The soft limit that lets a process hold `needed` descriptors: the current
// one when it suffices, else `needed` itself; nothing when the hard limit is
// lower (only root could raise that).
std::optional<std::uint64_t> soft_limit_for(std::uint64_t needed, DescriptorLimits limits);

// Raises RLIMIT_NOFILE so that `needed` descriptors fit. Throws util::Error
// naming `what` needs them, both numbers and the way out when it cannot.
void reserve_descriptors(std::uint64_t needed, const std::string& what);

} // namespace shoal::io
