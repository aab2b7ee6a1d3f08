#include "io/descriptor_limit.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/resource.h>

namespace shoal::io {

std::optional<std::uint64_t> soft_limit_for(std::uint64_t needed, DescriptorLimits limits) {
    if (needed <= limits.soft) {
        return limits.soft;
    }
    if (needed > limits.hard) {
        return std::nullopt;
    }
    return needed;
}

void reserve_descriptors(std::uint64_t needed, const std::string& what) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        throw util::Error(
            fmt::format("cannot read the limit on open files: {}", std::strerror(errno)));
    }
    const auto soft = soft_limit_for(needed, {limit.rlim_cur, limit.rlim_max});
    if (!soft) {
        throw util::Error(fmt::format(
            "{} needs about {} open files, but this process may open at most {} (hard limit): "
            "raise it (`ulimit -Hn`, LimitNOFILE= in a systemd unit, nofile in "
            "/etc/security/limits.conf) or push to fewer hosts at once",
            what, needed, limit.rlim_max));
    }
    if (*soft == limit.rlim_cur) {
        return;
    }
    limit.rlim_cur = *soft;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        throw util::Error(fmt::format("cannot raise the limit on open files to {} for {}: {}",
                                      *soft, what, std::strerror(errno)));
    }
}

} // namespace shoal::io
