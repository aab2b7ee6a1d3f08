#pragma once

// In-memory byte streams for unit tests of anything that reads a Source or
// writes a Sink.

#include "io/stream.hpp"

#include <algorithm>
#include <string>

namespace shoal::test {

// Hands out its text at most `step` bytes per read, like a slow pipe.
class StringSource : public io::Source {
public:
    explicit StringSource(std::string text, std::size_t step = 1 << 20)
        : text_(std::move(text)), step_(step) {}
    std::size_t read_some(std::span<char> buffer) override {
        const std::size_t n = std::min({buffer.size(), step_, text_.size() - offset_});
        text_.copy(buffer.data(), n, offset_);
        offset_ += n;
        return n;
    }
    std::size_t remaining() const { return text_.size() - offset_; }

private:
    std::string text_;
    std::size_t step_;
    std::size_t offset_ = 0;
};

class StringSink : public io::Sink {
public:
    using Sink::write;
    void write(std::span<const char> data) override { text.append(data.data(), data.size()); }
    std::string text;
};

} // namespace shoal::test
