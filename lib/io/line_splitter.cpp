#include "io/line_splitter.hpp"

#include <fmt/format.h>
#include <utility>

namespace shoal::io {

void LineSplitter::append(std::span<const char> bytes) {
    if (buffer_.find('\n', scanned_) == std::string::npos && buffer_.size() > max_line_) {
        fail_too_long();
    }
    buffer_.append(bytes.data(), bytes.size());
}

std::optional<std::string> LineSplitter::next() {
    const auto newline = buffer_.find('\n', scanned_);
    if (newline == std::string::npos) {
        scanned_ = buffer_.size();
        if (buffer_.size() > max_line_) {
            fail_too_long();
        }
        return std::nullopt;
    }
    if (newline > max_line_) {
        fail_too_long();
    }
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    scanned_ = 0;
    return line;
}

std::string LineSplitter::take_rest() {
    scanned_ = 0;
    return std::exchange(buffer_, {});
}

void LineSplitter::fail_too_long() const {
    throw LineTooLong(
        fmt::format("{} sent a line longer than {} bytes, the most allowed", peer_, max_line_));
}

} // namespace shoal::io
