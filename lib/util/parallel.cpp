#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace shoal::util {

void run_parallel(std::size_t count, std::size_t jobs,
                  const std::function<void(std::size_t)>& task) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            task(i);
        }
    };
    std::vector<std::jthread> threads;
    const std::size_t thread_count = std::min(count, std::max<std::size_t>(jobs, 1));
    for (std::size_t t = 1; t < thread_count; ++t) {
        threads.emplace_back(worker);
    }
    worker(); // the calling thread works too
}

} // namespace shoal::util
