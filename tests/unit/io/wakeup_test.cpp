#include "io/wakeup.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <thread>

using shoal::io::Wakeup;

namespace {

bool readable(const Wakeup& wakeup, int timeout_ms) {
    pollfd entry{wakeup.fd(), POLLIN, 0};
    return ::poll(&entry, 1, timeout_ms) == 1;
}

} // namespace

TEST_CASE("a notification from another thread wakes a poll, once, until drained") {
    Wakeup wakeup;
    CHECK_FALSE(readable(wakeup, 0));
    std::jthread notifier([&] {
        wakeup.notify();
        wakeup.notify();
    });
    CHECK(readable(wakeup, 5000));
    notifier.join();
    wakeup.drain();
    CHECK_FALSE(readable(wakeup, 0));
    wakeup.drain(); // nothing to drain is fine
    CHECK_FALSE(readable(wakeup, 0));
}
