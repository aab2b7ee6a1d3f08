#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace shoal::io {

// Runs task(0) … task(count-1), at most `concurrency` at once, each on a
// fiber: a stack of its own that gives the thread up whenever it waits (in
// wait_ready or pause_for below). The fibers share at most `threads` threads,
// each one poll() loop over its fibers' descriptors, as ninja's subprocess
// loop drives its children: a thousand SSH handshakes in flight cost a few
// threads, not a thousand, and the blocking code of the SSH and serve layers
// stays as it reads. Returns when all are done; rethrows the first exception
// a task let out, after the others have finished.
//
// A fiber must not block its thread in other ways for long (a lock held by a
// fiber that waits, a blocking read), since the thread's other fibers then
// wait too; lock_cooperatively is the lock for that case.
void run_on_fibers(std::size_t count, std::size_t concurrency, std::size_t threads,
                   const std::function<void(std::size_t)>& task);

// Threads for fibers that mostly wait on the network (SSH round trips): one
// per core, at most 4, for the CPU of their handshakes and ciphers.
std::size_t network_fiber_threads();

// poll(2) on one descriptor for `events`, at most `timeout`: returns the
// events that came (0 when the time ran out or a signal interrupted).
// On a fiber, the thread's other fibers run meanwhile.
short wait_ready(int fd, short events, std::chrono::milliseconds timeout);

// Before a blocking read or write of `fd`: on a fiber, lets the thread's
// other fibers run until `fd` has `events` (or an error or a hang-up); off a
// fiber, returns at once and the call that follows blocks as it would have.
void yield_until_ready(int fd, short events);

// Sleeps; on a fiber, the thread's other fibers run meanwhile.
void pause_for(std::chrono::milliseconds duration);

// Takes `mutex` (anything with try_lock and lock), letting the thread's other
// fibers run while another holds it: one of them may be the holder, waiting.
template <typename Mutex> void lock_cooperatively(Mutex& mutex) {
    while (!mutex.try_lock()) {
        pause_for(std::chrono::milliseconds(2));
    }
}

} // namespace shoal::io
