#include "io/fibers.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cxxabi.h>
#include <exception>
#include <memory>
#include <mutex>
#include <poll.h>
#include <sys/mman.h>
#include <thread>
#include <ucontext.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace shoal::io {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Address space only: a page is backed once the fiber touches it. Deep enough
// for OpenSSL's key exchange under the sanitizers' larger frames.
constexpr std::size_t stack_bytes = std::size_t{4} << 20;

// A fiber's stack, with an inaccessible page below it so that an overflow
// faults at once instead of overwriting its neighbour.
class FiberStack {
public:
    FiberStack() {
        base_ = ::mmap(nullptr, stack_bytes + guard_bytes(), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (base_ == MAP_FAILED) {
            util::throw_errno("mmap of a fiber's stack");
        }
        ::mprotect(base_, guard_bytes(), PROT_NONE);
    }
    ~FiberStack() { ::munmap(base_, stack_bytes + guard_bytes()); }
    FiberStack(const FiberStack&) = delete;
    FiberStack& operator=(const FiberStack&) = delete;

    void* bottom() const { return static_cast<char*>(base_) + guard_bytes(); }
    static std::size_t size() { return stack_bytes; }

private:
    static std::size_t guard_bytes() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
    void* base_;
};

// libstdc++'s per-thread record of the exceptions being handled (the stack of
// caught ones, the count of those in flight). A fiber that waits inside a
// catch block leaves its exception on that stack; each fiber therefore keeps
// its own copy, swapped in while it runs, or fibers would end each other's.
struct ExceptionGlobals {
    void* caught = nullptr;
    unsigned int uncaught = 0;
};

ExceptionGlobals& thread_exception_globals() {
    return *reinterpret_cast<ExceptionGlobals*>(abi::__cxa_get_globals());
}

struct Fiber {
    FiberStack stack;
    ucontext_t context{};
    ExceptionGlobals exceptions;
    bool done = false;
    bool ready = true;
    // What it waits for while not ready: a descriptor (-1: none) until a deadline.
    int fd = -1;
    short events = 0;
    short revents = 0;
    Clock::time_point deadline;
#if defined(__SANITIZE_ADDRESS__)
    void* fake_stack = nullptr;
#endif
#if defined(__SANITIZE_THREAD__)
    void* tsan_fiber = __tsan_create_fiber(0);
    ~Fiber() {
        __tsan_destroy_fiber(tsan_fiber);
    }
#endif
};

// One thread's fibers and the poll() loop that resumes them.
class Scheduler {
public:
    Scheduler(std::size_t fibers, const std::function<void()>& body) : body_(body) {
        for (std::size_t i = 0; i < fibers; ++i) {
            fibers_.push_back(std::make_unique<Fiber>());
        }
    }

    // Runs every fiber's body to its end.
    void run();

    // From a fiber: gives the thread up until `fd` has `events` or `deadline` passes.
    short wait(int fd, short events, Clock::time_point deadline);

    static Scheduler* of_this_thread() { return current_scheduler; }

private:
    static void entry();
    void switch_to(Fiber& fiber);
    void switch_out();
    void poll_waiting();

    // The scheduler whose fibers this thread runs: how the waits deep in the
    // SSH layers find their loop without it being passed through every call.
    static thread_local Scheduler* current_scheduler;

    const std::function<void()>& body_;
    std::vector<std::unique_ptr<Fiber>> fibers_;
    Fiber* running_ = nullptr;
    ucontext_t loop_context_{};
    ExceptionGlobals loop_exceptions_;
    std::exception_ptr failure_;
#if defined(__SANITIZE_ADDRESS__)
    const void* thread_stack_bottom_ = nullptr;
    std::size_t thread_stack_size_ = 0;
#endif
#if defined(__SANITIZE_THREAD__)
    void* tsan_thread_ = nullptr;
#endif
};

thread_local Scheduler* Scheduler::current_scheduler = nullptr;

void Scheduler::run() {
    current_scheduler = this;
#if defined(__SANITIZE_THREAD__)
    tsan_thread_ = __tsan_get_current_fiber();
#endif
    for (auto& fiber : fibers_) {
        ::getcontext(&fiber->context);
        fiber->context.uc_stack.ss_sp = fiber->stack.bottom();
        fiber->context.uc_stack.ss_size = FiberStack::size();
        fiber->context.uc_link = nullptr; // a fiber ends by switching out, never by returning
        ::makecontext(&fiber->context, &Scheduler::entry, 0);
    }
    for (;;) {
        bool live = false;
        for (auto& fiber : fibers_) {
            if (!fiber->done && fiber->ready) {
                switch_to(*fiber);
            }
            live = live || !fiber->done;
        }
        if (!live) {
            break;
        }
        poll_waiting();
    }
    current_scheduler = nullptr;
    if (failure_) {
        std::rethrow_exception(failure_);
    }
}

void Scheduler::poll_waiting() {
    std::vector<pollfd> entries;
    std::vector<Fiber*> polled;
    auto earliest = Clock::time_point::max();
    for (auto& fiber : fibers_) {
        if (fiber->done || fiber->ready) {
            continue;
        }
        earliest = std::min(earliest, fiber->deadline);
        if (fiber->fd >= 0) {
            entries.push_back({fiber->fd, fiber->events, 0});
            polled.push_back(fiber.get());
        }
    }
    const auto now = Clock::now();
    // Rounded up, so that a deadline a fraction of a millisecond away is not polled for 0 ms again
    // and again.
    const auto wait =
        earliest <= now ? milliseconds(0) : std::chrono::ceil<milliseconds>(earliest - now);
    const int timeout = static_cast<int>(std::min<milliseconds::rep>(wait.count(), 60'000));
    if (::poll(entries.data(), entries.size(), timeout) < 0 && errno != EINTR) {
        util::throw_errno("poll over the fibers' descriptors");
    }
    for (std::size_t i = 0; i < polled.size(); ++i) {
        polled[i]->revents = entries[i].revents;
        polled[i]->ready = entries[i].revents != 0;
    }
    const auto after = Clock::now();
    for (auto& fiber : fibers_) {
        if (!fiber->done && !fiber->ready && after >= fiber->deadline) {
            fiber->revents = 0;
            fiber->ready = true;
        }
    }
}

void Scheduler::entry() {
    auto& self = *current_scheduler;
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(nullptr, &self.thread_stack_bottom_, &self.thread_stack_size_);
#endif
    try {
        self.body_();
    } catch (...) {
        if (!self.failure_) {
            self.failure_ = std::current_exception();
        }
    }
    self.running_->done = true;
#if defined(__SANITIZE_ADDRESS__)
    // nullptr: this fiber's stack is done with.
    __sanitizer_start_switch_fiber(nullptr, self.thread_stack_bottom_, self.thread_stack_size_);
#endif
#if defined(__SANITIZE_THREAD__)
    __tsan_switch_to_fiber(self.tsan_thread_, 0);
#endif
    ::setcontext(&self.loop_context_);
}

void Scheduler::switch_to(Fiber& fiber) {
    fiber.ready = false;
    running_ = &fiber;
    auto& globals = thread_exception_globals();
    loop_exceptions_ = globals;
    globals = fiber.exceptions;
#if defined(__SANITIZE_ADDRESS__)
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, fiber.stack.bottom(), FiberStack::size());
#endif
#if defined(__SANITIZE_THREAD__)
    __tsan_switch_to_fiber(fiber.tsan_fiber, 0);
#endif
    ::swapcontext(&loop_context_, &fiber.context);
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
    fiber.exceptions = globals;
    globals = loop_exceptions_;
    running_ = nullptr;
}

void Scheduler::switch_out() {
    auto& fiber = *running_;
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(&fiber.fake_stack, thread_stack_bottom_, thread_stack_size_);
#endif
#if defined(__SANITIZE_THREAD__)
    __tsan_switch_to_fiber(tsan_thread_, 0);
#endif
    ::swapcontext(&fiber.context, &loop_context_);
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(fiber.fake_stack, &thread_stack_bottom_, &thread_stack_size_);
#endif
}

short Scheduler::wait(int fd, short events, Clock::time_point deadline) {
    auto& fiber = *running_;
    fiber.fd = fd;
    fiber.events = events;
    fiber.deadline = deadline;
    switch_out();
    fiber.fd = -1;
    return fiber.revents;
}

} // namespace

void run_on_fibers(std::size_t count, std::size_t concurrency, std::size_t threads,
                   const std::function<void(std::size_t)>& task) {
    if (count == 0) {
        return;
    }
    const std::size_t fiber_count = std::clamp<std::size_t>(concurrency, 1, count);
    const std::size_t thread_count = std::clamp<std::size_t>(threads, 1, fiber_count);
    std::atomic<std::size_t> next{0};
    const std::function<void()> body = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            task(i);
        }
    };
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto run_share = [&](std::size_t thread) {
        // Fibers dealt evenly: the first threads take one more of the remainder.
        const std::size_t share =
            fiber_count / thread_count + (thread < fiber_count % thread_count ? 1 : 0);
        try {
            Scheduler(share, body).run();
        } catch (...) {
            const std::lock_guard lock(failure_mutex);
            if (!failure) {
                failure = std::current_exception();
            }
        }
    };
    {
        std::vector<std::jthread> helpers;
        for (std::size_t t = 1; t < thread_count; ++t) {
            helpers.emplace_back(run_share, t);
        }
        run_share(0); // the calling thread runs fibers too
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
}

std::size_t network_fiber_threads() {
    return std::clamp(std::thread::hardware_concurrency(), 1U, 4U);
}

short wait_ready(int fd, short events, milliseconds timeout) {
    if (auto* scheduler = Scheduler::of_this_thread()) {
        return scheduler->wait(fd, events, Clock::now() + std::max(timeout, milliseconds(0)));
    }
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::max(timeout.count(), 0L)));
    if (ready < 0 && errno != EINTR) {
        util::throw_errno("poll");
    }
    return ready > 0 ? entry.revents : 0;
}

void yield_until_ready(int fd, short events) {
    auto* scheduler = Scheduler::of_this_thread();
    if (scheduler == nullptr) {
        return;
    }
    while (scheduler->wait(fd, events, Clock::time_point::max()) == 0) {
    }
}

void pause_for(milliseconds duration) {
    if (auto* scheduler = Scheduler::of_this_thread()) {
        scheduler->wait(-1, 0, Clock::now() + duration);
        return;
    }
    std::this_thread::sleep_for(duration);
}

} // namespace shoal::io
