#include "util/task_pool.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <set>
#include <thread>

using shoal::util::TaskPool;

TEST_CASE("every task runs, on no more threads than the pool has") {
    std::atomic<int> done{0};
    std::atomic<int> running{0};
    std::atomic<int> most_at_once{0};
    std::mutex ids_mutex;
    std::set<std::thread::id> ids;
    {
        TaskPool pool(3);
        for (int t = 0; t < 50; ++t) {
            pool.submit([&] {
                const int now = ++running;
                int seen = most_at_once;
                while (now > seen && !most_at_once.compare_exchange_weak(seen, now)) {
                }
                {
                    std::lock_guard lock(ids_mutex);
                    ids.insert(std::this_thread::get_id());
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                --running;
                ++done;
            });
        }
        pool.wait_idle();
        CHECK(done == 50);
    }
    CHECK(most_at_once <= 3);
    CHECK(ids.size() <= 3);
    CHECK(ids.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("tasks a task submits run too, and the destructor waits for them") {
    std::atomic<int> done{0};
    {
        TaskPool pool(2);
        pool.submit([&] {
            pool.submit([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                ++done;
            });
            ++done;
        });
    }
    CHECK(done == 2);
}
