#include "io/termination_signals.hpp"

#include "util/error.hpp"

#include <cstring>
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace shoal::io {

TerminationSignals::TerminationSignals() {
    sigemptyset(&signals_);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        sigaddset(&signals_, signal);
    }
    if (const int error = pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_); error != 0) {
        throw util::SystemError("blocking SIGINT, SIGTERM and SIGHUP", error);
    }
    fd_.reset(signalfd(-1, &signals_, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_) {
        util::throw_errno("signalfd");
    }
}

TerminationSignals::~TerminationSignals() {
    // Signals taken from the descriptor are no longer pending: unblocking
    // cannot deliver them again.
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

const char* TerminationSignals::received() {
    signalfd_siginfo info{};
    if (received_ == nullptr && ::read(fd_.get(), &info, sizeof info) == sizeof info) {
        number_ = static_cast<int>(info.ssi_signo);
        received_ = sigabbrev_np(number_);
    }
    return received_;
}

} // namespace shoal::io
