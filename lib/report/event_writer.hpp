#pragma once

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>

namespace shoal::report {

// Writes one JSON object per line ("JSON Lines") for CI. Every event gets its
// name and the seconds elapsed since the writer was made; lines from parallel
// host workers never interleave. Text that is not UTF-8 has its invalid bytes
// replaced (U+FFFD), so writing never fails on what a remote host wrote.
class EventWriter {
public:
    explicit EventWriter(std::ostream& out);
    void write(std::string_view event, nlohmann::json fields = nlohmann::json::object());

private:
    std::ostream& out_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point start_;
};

} // namespace shoal::report
