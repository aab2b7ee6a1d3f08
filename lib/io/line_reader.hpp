#pragma once

#include "io/stream.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace shoal::io {

// The peer sent a line longer than the reader accepts.
class LineTooLong : public util::Error {
public:
    using util::Error::Error;
};

// Splits a byte stream into '\n'-terminated lines, for line-based protocols.
// A line may hold at most `max_line` bytes, so a peer that never sends a
// newline cannot make us buffer without end; `peer` names the sender in
// errors ("the agent").
class LineReader {
public:
    LineReader(Source& from, std::string peer, std::size_t max_line)
        : from_(from), peer_(std::move(peer)), max_line_(max_line) {}

    // The next line without its '\n'; nothing at a clean end of stream.
    // Throws LineTooLong for a line longer than the maximum, EndOfStream for
    // a stream that ends in the middle of a line.
    std::optional<std::string> next();

private:
    [[noreturn]] void fail_too_long() const;

    Source& from_;
    std::string peer_;
    std::size_t max_line_;
    std::string buffer_;
    std::size_t scanned_ = 0; // buffer_[0, scanned_) holds no '\n'
};

} // namespace shoal::io
