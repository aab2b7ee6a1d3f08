#pragma once

#include <cstddef>
#include <functional>

namespace shoal::util {

// Runs task(0) … task(count-1) on at most `jobs` threads and returns when all
// are done. Tasks report their own failures: one that throws anyway ends the
// process (std::terminate), since a lost host result must never go unnoticed.
void run_parallel(std::size_t count, std::size_t jobs,
                  const std::function<void(std::size_t)>& task);

} // namespace shoal::util
