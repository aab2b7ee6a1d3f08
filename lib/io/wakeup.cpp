#include "io/wakeup.hpp"

#include "util/error.hpp"

#include <cstdint>
#include <sys/eventfd.h>
#include <unistd.h>

namespace shoal::io {

Wakeup::Wakeup() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!fd_) {
        util::throw_errno("creating an eventfd");
    }
}

void Wakeup::notify() {
    const std::uint64_t one = 1;
    // Only fails when the counter would overflow: it is readable then anyway.
    [[maybe_unused]] const auto written = ::write(fd_.get(), &one, sizeof one);
}

void Wakeup::drain() {
    std::uint64_t count = 0;
    // EAGAIN: nothing to drain.
    [[maybe_unused]] const auto read = ::read(fd_.get(), &count, sizeof count);
}

} // namespace shoal::io
