#pragma once

#include "util/error.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace shoal::io {

// The peer sent a line longer than the reader accepts.
class LineTooLong : public util::Error {
public:
    using util::Error::Error;
};

// Splits bytes, fed as they arrive, into '\n'-terminated lines: the part of
// line-based protocols that neither reads nor waits, so that a blocking
// reader and an event loop share it. A line may hold at most `max_line`
// bytes, so a peer that never sends a newline cannot make us buffer without
// end; `peer` names the sender in errors ("the agent on h1").
class LineSplitter {
public:
    LineSplitter(std::string peer, std::size_t max_line)
        : peer_(std::move(peer)), max_line_(max_line) {}

    // Throws LineTooLong once the unfinished line is past the maximum: memory
    // stays within one chunk of the limit however long the peer keeps sending.
    void append(std::span<const char> bytes);

    // The next whole line without its '\n', if one has arrived. Throws
    // LineTooLong for a line longer than the maximum.
    std::optional<std::string> next();

    // What was appended and not yet taken as a line: at the end of the
    // stream, a cut-off message.
    const std::string& rest() const { return buffer_; }
    std::string take_rest();

private:
    [[noreturn]] void fail_too_long() const;

    std::string peer_;
    std::size_t max_line_;
    std::string buffer_;
    std::size_t scanned_ = 0; // buffer_[0, scanned_) holds no '\n'
};

} // namespace shoal::io
