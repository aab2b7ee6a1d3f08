#include "io/line_reader.hpp"

#include <array>
#include <fmt/format.h>

namespace shoal::io {

std::optional<std::string> LineReader::next() {
    std::array<char, 16 * 1024> chunk{};
    for (;;) {
        const auto newline = buffer_.find('\n', scanned_);
        if (newline != std::string::npos) {
            if (newline > max_line_) {
                fail_too_long();
            }
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            scanned_ = 0;
            return line;
        }
        scanned_ = buffer_.size();
        if (buffer_.size() > max_line_) {
            fail_too_long();
        }
        const std::size_t n = from_.read_some(chunk);
        if (n == 0) {
            if (!buffer_.empty()) {
                throw EndOfStream(
                    fmt::format("stream ended in the middle of a line: '{:.80}'", buffer_));
            }
            return std::nullopt;
        }
        buffer_.append(chunk.data(), n);
    }
}

void LineReader::fail_too_long() const {
    throw LineTooLong(
        fmt::format("{} sent a line longer than {} bytes, the most allowed", peer_, max_line_));
}

} // namespace shoal::io
