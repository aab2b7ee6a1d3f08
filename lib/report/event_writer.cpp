#include "report/event_writer.hpp"

#include <cmath>

namespace shoal::report {

EventWriter::EventWriter(std::ostream& out) : out_(out), start_(std::chrono::steady_clock::now()) {}

void EventWriter::write(std::string_view event, nlohmann::json fields) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    nlohmann::json line = {{"event", event},
                           {"elapsed", std::round(elapsed.count() * 1000) / 1000}};
    line.update(fields);
    // Fields may quote what a remote wrote (its stderr in an error), which
    // need not be UTF-8: invalid bytes become U+FFFD instead of throwing.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    out_ << text << '\n';
    out_.flush(); // CI reads events as they happen, not at exit
}

} // namespace shoal::report
