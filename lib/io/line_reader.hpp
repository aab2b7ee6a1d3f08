#pragma once

#include "io/line_splitter.hpp"
#include "io/stream.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace shoal::io {

// Reads '\n'-terminated lines from a byte stream, blocking as the stream
// does, for line-based protocols (see LineSplitter for the length limit).
class LineReader {
public:
    LineReader(Source& from, std::string peer, std::size_t max_line)
        : from_(from), lines_(std::move(peer), max_line) {}

    // The next line without its '\n'; nothing at a clean end of stream.
    // Throws LineTooLong for a line longer than the maximum, EndOfStream for
    // a stream that ends in the middle of a line.
    std::optional<std::string> next();

private:
    Source& from_;
    LineSplitter lines_;
};

} // namespace shoal::io
