#include "io/fd.hpp"
#include "io/fd_stream.hpp"
#include "io/fibers.hpp"

#include <algorithm>
#include <atomic>
#include <doctest/doctest.h>
#include <mutex>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

using namespace shoal;
using std::chrono::milliseconds;

namespace {

struct Pipe {
    io::UniqueFd read_end;
    io::UniqueFd write_end;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        read_end.reset(fds[0]);
        write_end.reset(fds[1]);
    }
};

} // namespace

TEST_CASE("fibers: every task runs once, at most `concurrency` at once, all on one thread") {
    constexpr std::size_t count = 200;
    std::vector<int> runs(count, 0);
    int in_flight = 0;
    int most_in_flight = 0;
    io::run_on_fibers(count, 64, 1, [&](std::size_t i) {
        ++runs[i];
        most_in_flight = std::max(most_in_flight, ++in_flight);
        io::pause_for(milliseconds(1));
        --in_flight;
    });
    CHECK(std::count(runs.begin(), runs.end(), 1) == static_cast<long>(count));
    // One thread, yet 64 tasks were between their start and end at once.
    CHECK(most_in_flight == 64);
}

TEST_CASE("fibers: a fiber waiting on a descriptor lets the one that feeds it run") {
    Pipe pipe;
    short seen = -1;
    std::string read_back;
    // On one thread, task 0 waits for what task 1 writes: without fibers it would wait forever.
    io::run_on_fibers(2, 2, 1, [&](std::size_t i) {
        if (i == 0) {
            seen = io::wait_ready(pipe.read_end.get(), POLLIN, milliseconds(10'000));
            char c = 0;
            REQUIRE(::read(pipe.read_end.get(), &c, 1) == 1);
            read_back += c;
        } else {
            io::pause_for(milliseconds(5));
            REQUIRE(::write(pipe.write_end.get(), "x", 1) == 1);
        }
    });
    CHECK((seen & POLLIN) != 0);
    CHECK(read_back == "x");
}

TEST_CASE("fibers: a wait ends with 0 when its time is up, on a fiber and off one") {
    Pipe pipe;
    short on_fiber = -1;
    io::run_on_fibers(1, 1, 1, [&](std::size_t) {
        on_fiber = io::wait_ready(pipe.read_end.get(), POLLIN, milliseconds(20));
    });
    CHECK(on_fiber == 0);
    CHECK(io::wait_ready(pipe.read_end.get(), POLLIN, milliseconds(5)) == 0);
    REQUIRE(::write(pipe.write_end.get(), "x", 1) == 1);
    CHECK((io::wait_ready(pipe.read_end.get(), POLLIN, milliseconds(5)) & POLLIN) != 0);
}

TEST_CASE("fibers: each fiber keeps its own exception while it waits in a catch block") {
    std::vector<std::string> rethrown(8);
    io::run_on_fibers(8, 8, 1, [&](std::size_t i) {
        try {
            try {
                throw std::runtime_error("task " + std::to_string(i));
            } catch (...) {
                // Every fiber is inside its handler at once here.
                io::pause_for(milliseconds(2));
                throw; // must rethrow this fiber's exception, not the last one caught
            }
        } catch (const std::runtime_error& e) {
            rethrown[i] = e.what();
        }
    });
    for (std::size_t i = 0; i < rethrown.size(); ++i) {
        CHECK(rethrown[i] == "task " + std::to_string(i));
    }
}

TEST_CASE("fibers: a task's exception comes out after every other task has run") {
    std::atomic<int> finished{0};
    CHECK_THROWS_WITH_AS(io::run_on_fibers(20, 4, 2,
                                           [&](std::size_t i) {
                                               io::pause_for(milliseconds(1));
                                               if (i == 3) {
                                                   throw std::runtime_error("task 3 failed");
                                               }
                                               ++finished;
                                           }),
                         "task 3 failed", std::runtime_error);
    // The failed fiber is gone; the others took over its share of the tasks.
    CHECK(finished == 19);
}

TEST_CASE("fibers: a lock held across a wait does not stall its own thread") {
    std::mutex mutex;
    std::vector<std::size_t> order;
    io::run_on_fibers(2, 2, 1, [&](std::size_t i) {
        if (i == 1) {
            io::pause_for(milliseconds(1)); // let task 0 take the lock first
        }
        io::lock_cooperatively(mutex);
        const std::lock_guard lock(mutex, std::adopt_lock);
        io::pause_for(milliseconds(5));
        order.push_back(i);
    });
    CHECK(order == std::vector<std::size_t>{0, 1});
}

TEST_CASE("fibers: fibers spread over several threads all run") {
    std::atomic<int> runs{0};
    io::run_on_fibers(1000, 64, 4, [&](std::size_t) {
        io::pause_for(milliseconds(0));
        ++runs;
    });
    CHECK(runs == 1000);
    io::run_on_fibers(0, 8, 2, [&](std::size_t) { ++runs; });
    CHECK(runs == 1000);
}

TEST_CASE("fibers: a blocking read through FdSource lets the fiber that writes run") {
    Pipe pipe;
    std::string read_back;
    // On one thread, as a direct copy reads its local nix-store's pipe: without
    // yield_until_ready inside FdSource, task 0's read would block task 1 forever.
    io::run_on_fibers(2, 2, 1, [&](std::size_t i) {
        if (i == 0) {
            io::FdSource source(pipe.read_end.get());
            std::vector<char> buffer(16);
            for (std::size_t n; (n = source.read_some(buffer)) > 0;) {
                read_back.append(buffer.data(), n);
            }
        } else {
            io::pause_for(milliseconds(5));
            {
                io::FdSink sink(pipe.write_end.get());
                sink.write(std::string_view("through the pipe"));
                sink.flush();
            }
            pipe.write_end.reset();
        }
    });
    CHECK(read_back == "through the pipe");
}
