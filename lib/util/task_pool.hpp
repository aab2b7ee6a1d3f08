#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shoal::util {

// A fixed number of threads that run submitted tasks in order of submission:
// for the blocking work around an event loop (SSH commands that wait for a
// host, direct copies), so that the loop's thread never blocks and the
// process's thread count does not grow with the fleet. Tasks report their own
// failures: one that throws anyway ends the process (std::terminate), since a
// lost host result must never go unnoticed. The destructor runs every task submitted, then joins.
class TaskPool {
public:
    explicit TaskPool(std::size_t threads);
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    void submit(std::function<void()> task);

    // Waits until every task submitted so far (and any they submit) is done.
    void wait_idle();

private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::function<void()>> queue_;
    std::size_t running_ = 0;
    bool closing_ = false;
    std::vector<std::jthread> threads_; // last: joined before the rest is destroyed
};

} // namespace shoal::util
