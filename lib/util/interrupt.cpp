#include "util/interrupt.hpp"

#include <ctime>
#include <pthread.h>
#include <spdlog/spdlog.h>

namespace shoal::util {

Interrupt::Interrupt() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
    watcher_ = std::thread([this] {
        const timespec tick{0, 200'000'000};
        while (!closing_.load()) {
            const int number = sigtimedwait(&signals_, nullptr, &tick);
            if (number > 0) {
                spdlog::warn("interrupted (signal {}): stopping", number);
                signal_.store(number);
            }
        }
    });
}

Interrupt::~Interrupt() {
    closing_.store(true);
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

} // namespace shoal::util
