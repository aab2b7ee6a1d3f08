#pragma once

#include "io/fd.hpp"

namespace shoal::io {

// A descriptor that other threads make readable to wake a thread blocked in
// poll() (an eventfd): how work finished elsewhere reaches an event loop.
class Wakeup {
public:
    Wakeup();

    int fd() const { return fd_.get(); }
    // Thread-safe; several notifications before a drain wake once.
    void notify();
    // Makes the descriptor unreadable again; before looking for the work.
    void drain();

private:
    UniqueFd fd_;
};

} // namespace shoal::io
