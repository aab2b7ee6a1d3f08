#pragma once

#include "util/error.hpp"

#include <cstddef>
#include <span>
#include <string>

namespace shoal::io {

// The peer closed the stream before we got what we needed.
class EndOfStream : public util::Error {
public:
    using util::Error::Error;
};

// A byte stream we read from: a pipe, an SSH channel, a file.
class Source {
public:
    virtual ~Source() = default;

    // Reads at most buffer.size() bytes; returns 0 only at end of stream.
    virtual std::size_t read_some(std::span<char> buffer) = 0;

    // Fills the whole buffer or throws EndOfStream.
    void read_exact(std::span<char> buffer);
};

// A byte stream we write to. Writes may be buffered until flush().
class Sink {
public:
    virtual ~Sink() = default;
    virtual void write(std::span<const char> data) = 0;
    virtual void flush() {}

    void write(std::string_view text) { write(std::span<const char>(text.data(), text.size())); }
};

// Copies exactly `count` bytes; throws EndOfStream if the source ends early.
void copy_exact(Source& from, Sink& to, std::uint64_t count);

} // namespace shoal::io
