#pragma once

#include "io/stream.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace shoal::io {

// Splits a byte stream into '\n'-terminated lines, for line-based protocols.
class LineReader {
public:
    explicit LineReader(Source& from, std::size_t max_line = 64 * 1024 * 1024)
        : from_(from), max_line_(max_line) {}

    // The next line without its '\n'; nothing at a clean end of stream.
    // Throws util::Error for a line longer than the maximum or a stream that
    // ends in the middle of a line.
    std::optional<std::string> next();

private:
    Source& from_;
    std::size_t max_line_;
    std::string buffer_;
    std::size_t scanned_ = 0; // buffer_[0, scanned_) holds no '\n'
};

} // namespace shoal::io
